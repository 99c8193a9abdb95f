// The drawing page: draw, read, show what the network sees. The network runs here, in the browser
// (nn.js), on the picture prepared the way digitnet prepares photos (prepare.js), with the model that
// static/model.js holds. The same page is served by 'digitnet serve' and written by
// 'digitnet export --web'; served, it also sends uploaded photos to the server (/api/predict), whose
// picture reader knows more formats than a browser (TIFF, 16-bit scans).
//
// window.digitnet, for tests and for pages that embed this one:
//   read(pixels)                784 values 0-255 (a 28x28 picture, ink bright, row by row)
//                               -> {digit, label, probabilities, reason?, score?}  (digit null if refused)
//   readPicture(imageData, {ink})  any canvas ImageData, prepared first
//                               -> the same, plus image28 (the 784 bytes the network saw) and ink
//   prepare(imageData, {ink})   just the preparation -> {image, ink}
//   explain(pixels)             which pixels pushed the answer: 784 numbers (see occlusion below)
//   model, readyAt              the model's description (model.js), and when the page could first read
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const pad = $("pad"), ctx = pad.getContext("2d", { willReadFrequently: true });
  const digitEl = $("digit"), confidenceEl = $("confidence"), statusEl = $("status");
  const bars = [];
  const PEN_WIDTH = pad.width / 15; // about MNIST's stroke width relative to a digit filling the pad

  // -- the model ----------------------------------------------------------------------------------------
  let model = null;
  try {
    model = digitnetNN.loadModel(window.digitnetModel);
  } catch (err) {
    document.body.dataset.state = "broken";
    statusEl.textContent = `cannot run the network: ${window.digitnetModelError || err.message}`;
  }
  const served = !!(window.digitnetModel && window.digitnetModel.server);
  const classes = model ? model.about.classes : [];

  function read(pixels) {
    const reading = digitnetNN.run(model, pixels);
    const refused = digitnetNN.refusal(model, reading);
    const answer = { digit: reading.digit, label: classes[reading.digit], probabilities: reading.probabilities };
    if (refused) {
      answer.score = refused.score;
      if (refused.reason) Object.assign(answer, { digit: null, label: null, reason: refused.reason });
    }
    return answer;
  }

  function prepare(picture, options = {}) {
    const prepared = digitnetPrepare.prepare(picture, options);
    return { image: prepared.image, ink: prepared.ink };
  }

  function readPicture(picture, options = {}) {
    let prepared;
    try {
      prepared = prepare(picture, options);
    } catch (err) {
      if (err instanceof digitnetPrepare.NoDigit) return { digit: null, label: null, probabilities: null, reason: err.message, image28: null };
      throw err;
    }
    return { ...read(prepared.image), image28: prepared.image, ink: prepared.ink };
  }

  // Occlusion: cover each 2x2 patch that holds ink (set it to black, as if never drawn), run the
  // network, and see how much its evidence for its answer falls. The evidence is the log-odds of the
  // answer, log(p / (1 - p)), which still moves when p is 99.99%. Each pixel gets the mean fall of the
  // patches covering it: positive where its ink pushed towards the answer, negative where it pushed
  // away. It costs one forward pass per patch, so it runs on a click, not while drawing.
  function logOdds(probabilities, answer) {
    const others = probabilities.reduce((sum, p, j) => (j === answer ? sum : sum + p), 0);
    return Math.log(Math.max(probabilities[answer], 1e-300)) - Math.log(Math.max(others, 1e-300));
  }

  function explain(pixels) {
    const base = digitnetNN.run(model, pixels), answer = base.digit, evidence = logOdds(base.probabilities, answer);
    const total = new Float64Array(784), count = new Float64Array(784), covered = Uint8Array.from(pixels);
    for (let y = 0; y < 27; y++) {
      for (let x = 0; x < 27; x++) {
        const patch = [y * 28 + x, y * 28 + x + 1, (y + 1) * 28 + x, (y + 1) * 28 + x + 1];
        if (!patch.some((k) => pixels[k] > 0)) continue;
        patch.forEach((k) => { covered[k] = 0; });
        const fall = evidence - logOdds(digitnetNN.run(model, covered).probabilities, answer);
        patch.forEach((k) => { covered[k] = pixels[k]; total[k] += fall; count[k] += 1; });
      }
    }
    return Array.from(total, (t, k) => (count[k] ? t / count[k] : 0));
  }

  window.digitnet = { read, readPicture, prepare, explain, model: window.digitnetModel };

  // -- drawing ------------------------------------------------------------------------------------------
  let drawing = false, blank = true, shown = null, timer = null, dirty = false;
  let generation = 0; // bumped by "clear" and by uploads: answers about older pictures are dropped
  let pending = 0; // photos being decoded or on their way to the server

  function point(e) {
    const box = pad.getBoundingClientRect();
    return [(e.clientX - box.left) * pad.width / box.width, (e.clientY - box.top) * pad.height / box.height];
  }

  function startStroke(e) {
    e.preventDefault();
    pad.setPointerCapture(e.pointerId);
    drawing = true;
    blank = false;
    const [x, y] = point(e);
    ctx.beginPath();
    ctx.arc(x, y, PEN_WIDTH / 2, 0, 2 * Math.PI); // a tap leaves a dot
    ctx.fill();
    ctx.beginPath();
    ctx.moveTo(x, y);
    changed();
  }

  function continueStroke(e) {
    if (!drawing) return;
    e.preventDefault();
    const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) ctx.lineTo(...point(ev));
    ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(...point(e));
    changed();
  }

  function endStroke(e) {
    if (!drawing) return;
    drawing = false;
    if (pad.hasPointerCapture(e.pointerId)) pad.releasePointerCapture(e.pointerId);
    changed();
  }

  function clearPad() {
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, pad.width, pad.height);
    ctx.fillStyle = ctx.strokeStyle = "#000";
    ctx.lineWidth = PEN_WIDTH;
    ctx.lineCap = ctx.lineJoin = "round";
    blank = true;
    generation++;
    clearTimeout(timer);
    timer = null;
    dirty = false;
    show(null);
    setStatus("");
    settled(pending === 0);
  }

  // The drawing changed: read it again soon. Reading takes a few milliseconds, so while the pen moves
  // the page reads at most once per animation frame, and always once more after the last change.
  function changed() {
    settled(false);
    dirty = true;
    if (timer === null) timer = setTimeout(readPad, 0);
  }

  function readPad() {
    timer = null;
    if (!dirty) return;
    dirty = false;
    if (blank) { settled(pending === 0); return; }
    const started = performance.now();
    try {
      const answer = readPicture(ctx.getImageData(0, 0, pad.width, pad.height));
      show(answer.probabilities ? answer : null, `read in this browser in ${Math.round(performance.now() - started)} ms`);
      setStatus(answer.digit === null ? answer.reason : "");
    } catch (err) {
      show(null);
      setStatus(err.message);
    }
    if (dirty) timer = setTimeout(readPad, 16);
    else settled(pending === 0);
  }

  // body[data-settled] is "true" when nothing is being read or sent: the answer shown is for the picture shown
  function settled(yes) {
    document.body.dataset.settled = String(yes);
  }

  // -- photos ---------------------------------------------------------------------------------------------
  async function usePicture(file) {
    clearPad();
    blank = false;
    const mine = generation;
    pending++;
    settled(false);
    let bitmap = null;
    try {
      // the file's own pixels: no colour management (digitnet ignores colour profiles too), upright as EXIF says
      bitmap = await createImageBitmap(file, { imageOrientation: "from-image", colorSpaceConversion: "none", premultiplyAlpha: "none" });
      const scale = Math.min(pad.width / bitmap.width, pad.height / bitmap.height), w = bitmap.width * scale, h = bitmap.height * scale;
      if (mine === generation) ctx.drawImage(bitmap, (pad.width - w) / 2, (pad.height - h) / 2, w, h);
    } catch (err) {
      ctx.font = "16px sans-serif";
      ctx.fillText(file.name.slice(0, 30), 10, 24);
    }
    try {
      if (served) {
        await askServer(file, mine);
      } else if (mine === generation) {
        if (!bitmap) throw new Error(`this browser cannot read ${file.name} as a picture`);
        const answer = readPicture(pixelsOf(bitmap));
        show(answer.probabilities ? answer : null, "read in this browser");
        setStatus(answer.digit === null ? answer.reason : "");
      }
    } catch (err) {
      if (mine === generation) { show(null); setStatus(err.message); }
    } finally {
      if (bitmap) bitmap.close();
      pending--;
      if (pending === 0 && timer === null) settled(true);
    }
  }

  function pixelsOf(bitmap) {
    const canvas = document.createElement("canvas");
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    const c = canvas.getContext("2d", { willReadFrequently: true });
    c.drawImage(bitmap, 0, 0);
    return c.getImageData(0, 0, bitmap.width, bitmap.height);
  }

  // 'digitnet serve' reads the original file with digitnet itself, exactly as 'digitnet predict' would
  async function askServer(file, mine) {
    let response, answer;
    try {
      response = await fetch("api/predict", { method: "POST", body: file, headers: { "Content-Type": file.type || "application/octet-stream" } });
      answer = await response.json();
    } catch (err) {
      throw new Error("cannot reach the server: is 'digitnet serve' still running?");
    }
    if (mine !== generation) return;
    if (!response.ok) throw new Error(answer.error || `the server answered ${response.status}`);
    // a blank picture is refused before the network sees it: no image28, no probabilities (as readPicture)
    show(answer.image28 ? { ...answer, image28: Uint8Array.from(answer.image28.flat()) } : null, "read by the server");
    setStatus(answer.digit === null && answer.reason ? answer.reason : "");
  }

  // -- showing ----------------------------------------------------------------------------------------------
  function setup() {
    const list = $("bars");
    for (let d = 0; d < classes.length; d++) {
      const li = document.createElement("li");
      li.dataset.digit = String(d);
      li.innerHTML = '<span class="label"></span><span class="track"><span class="fill"></span></span><span class="value">&ndash;</span>';
      li.querySelector(".label").textContent = classes[d];
      list.appendChild(li);
      bars.push(li);
    }
    clearPad();
    pad.addEventListener("pointerdown", startStroke);
    pad.addEventListener("pointermove", continueStroke);
    pad.addEventListener("pointerup", endStroke);
    pad.addEventListener("pointercancel", endStroke);
    $("clear").addEventListener("click", clearPad);
    $("upload").addEventListener("change", (e) => {
      if (e.target.files.length) usePicture(e.target.files[0]);
      e.target.value = "";
    });
    pad.addEventListener("dragover", (e) => { e.preventDefault(); pad.classList.add("dragging"); });
    pad.addEventListener("dragleave", () => pad.classList.remove("dragging"));
    pad.addEventListener("drop", (e) => {
      e.preventDefault();
      pad.classList.remove("dragging");
      if (e.dataTransfer.files.length) usePicture(e.dataTransfer.files[0]);
    });
    $("explain").addEventListener("click", showSaliency);
    showModel(window.digitnetModel);
  }

  function show(answer, how = "") {
    shown = answer && answer.image28 ? answer : null;
    const probabilities = answer ? answer.probabilities : null, refused = !!answer && answer.digit === null;
    const best = probabilities ? digitnetNN.argmax(probabilities) : null;
    digitEl.textContent = !answer ? "?" : refused ? "\u2013" : classes[answer.digit];
    digitEl.dataset.digit = answer && !refused ? String(answer.digit) : "";
    confidenceEl.textContent = !answer ? "draw a digit" : refused ? "not a digit" : `${percent(probabilities[answer.digit])} sure`;
    $("how").textContent = how;
    bars.forEach((li, d) => {
      const p = probabilities ? probabilities[d] : 0;
      li.dataset.probability = probabilities ? String(p) : "";
      li.classList.toggle("best", !!answer && !refused && d === answer.digit);
      li.classList.toggle("top", !!probabilities && d === best);
      li.querySelector(".fill").style.width = `${(100 * p).toFixed(1)}%`;
      li.querySelector(".value").textContent = probabilities ? percent(p) : "\u2013";
    });
    drawGrey($("seen"), shown ? shown.image28 : null);
    drawGrey($("saliency"), null);
    $("explain").disabled = !shown;
    $("saliency-caption").textContent = "";
    showFirstLayer(shown ? shown.image28 : null);
    document.body.dataset.state = answer ? (refused ? "refused" : "answered") : "empty";
  }

  function drawGrey(canvas, pixels) {
    const c = canvas.getContext("2d"), picture = c.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const v = pixels ? pixels[i] : 0;
      picture.data.set([v, v, v, 255], 4 * i);
    }
    c.putImageData(picture, 0, 0);
  }

  // red where a pixel's ink pushed towards the answer, blue where it pushed away, over the faint input
  function showSaliency() {
    if (!shown) return;
    const scores = explain(shown.image28), top = Math.max(1e-9, ...scores.map(Math.abs));
    const c = $("saliency").getContext("2d"), picture = c.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const s = scores[i] / top, ink = shown.image28[i] * 0.25;
      const red = s > 0 ? ink + (255 - ink) * s : ink * (1 + s), blue = s < 0 ? ink - (255 - ink) * s : ink * (1 - s);
      picture.data.set([red, ink * (1 - Math.abs(s)), blue, 255], 4 * i);
    }
    c.putImageData(picture, 0, 0);
    $("saliency").dataset.scores = JSON.stringify(scores.map((s) => Number(s.toPrecision(4))));
    const answer = classes[digitnetNN.run(model, shown.image28).digit];
    $("saliency-caption").textContent = `Each bit of ink covered in turn: red where covering it lowers the network's ` +
                                        `evidence for ${answer}, blue where it raises it.`;
  }

  // The first layer of the (first) network: a convolution's feature maps for this picture, or, for a
  // dense layer, the weights of the 16 hidden units this picture excites most
  function showFirstLayer(pixels) {
    const box = $("maps"), member = model.members[0], first = member.layers[0];
    box.replaceChildren();
    if (!pixels) { $("maps-caption").textContent = ""; return; }
    const { outputs } = digitnetNN.forward(member, digitnetNN.scalePixels(pixels), true);
    const maps = [];
    if (first.type === "conv2d") {
      const [F, H, W] = outputs[0].shape;
      for (let f = 0; f < F; f++) maps.push({ h: H, w: W, values: outputs[0].data.subarray(f * H * W, (f + 1) * H * W), title: `map ${f + 1}` });
      $("maps-caption").textContent = `The first layer: ${F} kernels of ${first.kernel_size.join("\u00d7")} pixels slid over the ` +
        `input give ${F} feature maps of ${H}\u00d7${W}: bright where a kernel's pattern is found, dark where its opposite is.`;
    } else if (first.type === "dense") {
      const units = first.units, activity = outputs[0].data;
      const order = Array.from({ length: units }, (_, j) => j).sort((a, b) => activity[b] - activity[a]).slice(0, 16);
      for (const j of order) {
        const weights = new Float64Array(784);
        for (let i = 0; i < 784; i++) weights[i] = first.W.data[i * units + j];
        maps.push({ h: 28, w: 28, values: weights, signed: true, title: `unit ${j + 1}: ${activity[j].toFixed(2)}` });
      }
      $("maps-caption").textContent = `The first layer: ${units} hidden units, each a weighted sum of the 784 pixels. Shown: the ` +
        "weights of the 16 units this picture excites most (red: weight > 0, blue: < 0).";
    } else {
      $("maps-caption").textContent = `The first layer is a ${first.type} layer; the page shows feature maps of convolutions and weights of dense layers.`;
    }
    for (const map of maps) box.appendChild(mapCanvas(map));
  }

  function mapCanvas({ h, w, values, signed, title }) {
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    canvas.title = title;
    const c = canvas.getContext("2d"), picture = c.createImageData(w, h);
    let low = Infinity, high = -Infinity;
    for (const v of values) { low = Math.min(low, v); high = Math.max(high, v); }
    const reach = Math.max(Math.abs(low), Math.abs(high)) || 1;
    for (let i = 0; i < w * h; i++) {
      const v = values[i];
      if (signed) {
        const s = Math.round(255 * Math.abs(v) / reach);
        picture.data.set(v > 0 ? [255, 255 - s, 255 - s, 255] : [255 - s, 255 - s, 255, 255], 4 * i);
      } else {
        const g = high > low ? Math.round(255 * (v - low) / (high - low)) : 0;
        picture.data.set([g, g, g, 255], 4 * i);
      }
    }
    c.putImageData(picture, 0, 0);
    return canvas;
  }

  function percent(p) {
    return `${(100 * p).toFixed(p >= 0.995 || p < 0.001 ? 0 : 1)}%`;
  }

  function setStatus(text) {
    statusEl.textContent = text || "";
  }

  function showModel(description) {
    const about = description.about || {}, members = description.members.length;
    const accuracy = about.test_accuracy ? `, ${percent(about.test_accuracy)} right on MNIST's test set` : "";
    const committee = members > 1 ? ` (a committee of ${members} networks)` : "";
    const recipe = (about.description || "").replace(/\.?\s*$/, about.description ? "." : "");
    $("model").textContent = `model ${description.name}${committee}${accuracy}. ${recipe} ` +
      (served ? "Drawings are read in this browser, uploaded photos by the server." : "It runs in this browser: nothing is sent anywhere.");
  }

  if (model) {
    setup();
    window.digitnet.readyAt = performance.now(); // milliseconds from the start of loading until it can read
    document.body.dataset.ready = "true";
  }
})();
