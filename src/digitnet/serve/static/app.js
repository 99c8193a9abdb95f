// The drawing page. Everything the network sees is prepared on the server, exactly as
// 'digitnet predict' prepares a photo: this script only draws, sends a PNG and shows the answer.
"use strict";

const pad = document.getElementById("pad");
const ctx = pad.getContext("2d");
const seen = document.getElementById("seen").getContext("2d");
const digitEl = document.getElementById("digit");
const confidenceEl = document.getElementById("confidence");
const statusEl = document.getElementById("status");
const bars = [];

const PEN_WIDTH = pad.width / 15; // about MNIST's stroke width relative to a digit filling the pad
const MIN_INTERVAL_MS = 150; // while drawing, ask at most this often

let drawing = false;
let blank = true;
let generation = 0; // bumped by "clear" and by uploads: answers to older pictures are ignored
let pending = 0; // pictures being encoded or on their way to the server
let again = false; // the drawing changed while one was on its way
let lastSent = 0;
let timer = null; // a request waiting to be sent

function setup() {
  const list = document.getElementById("bars");
  for (let d = 0; d < 10; d++) {
    const li = document.createElement("li");
    li.dataset.digit = String(d);
    li.innerHTML = `<span class="label">${d}</span><span class="track"><span class="fill"></span></span>` +
                   `<span class="value">&ndash;</span>`;
    list.appendChild(li);
    bars.push(li);
  }
  clearPad();
  pad.addEventListener("pointerdown", startStroke);
  pad.addEventListener("pointermove", continueStroke);
  pad.addEventListener("pointerup", endStroke);
  pad.addEventListener("pointercancel", endStroke);
  document.getElementById("clear").addEventListener("click", clearPad);
  document.getElementById("upload").addEventListener("change", (e) => {
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
  fetch("/api/info").then((r) => r.json()).then(showModel).catch(() => {});
}

// -- drawing -----------------------------------------------------------------------------------
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
  schedule();
}

function continueStroke(e) {
  if (!drawing) return;
  e.preventDefault();
  const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
  for (const ev of events.length ? events : [e]) {
    const [x, y] = point(ev);
    ctx.lineTo(x, y);
  }
  ctx.stroke();
  const [x, y] = point(e);
  ctx.beginPath();
  ctx.moveTo(x, y);
  schedule();
}

function endStroke(e) {
  if (!drawing) return;
  drawing = false;
  if (pad.hasPointerCapture(e.pointerId)) pad.releasePointerCapture(e.pointerId);
  schedule(true);
}

function clearPad() {
  generation++;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, pad.width, pad.height);
  ctx.fillStyle = ctx.strokeStyle = "#000";
  ctx.lineWidth = PEN_WIDTH;
  ctx.lineCap = ctx.lineJoin = "round";
  blank = true;
  clearTimeout(timer);
  timer = null;
  again = false;
  showAnswer(null);
  setStatus("");
  if (pending === 0) settled(true);
}

// -- asking the server -------------------------------------------------------------------------
// One picture at a time: drawing while one is on its way asks again, with the latest strokes, when
// its answer is back. Answers to pictures from before a "clear" or an upload are ignored.
function schedule(now = false) {
  if (blank) return;
  settled(false);
  if (pending > 0) { again = true; return; }
  const wait = now ? 0 : Math.max(0, lastSent + MIN_INTERVAL_MS - performance.now());
  clearTimeout(timer);
  timer = setTimeout(sendPad, wait);
}

function sendPad() {
  timer = null;
  if (blank) { settled(pending === 0); return; } // cleared meanwhile: nothing to ask
  pending++; // the canvas is copied now; encoding it takes a moment
  again = false;
  const mine = generation;
  pad.toBlob((blob) => send(blob, "image/png", mine), "image/png");
}

// `mine` is the generation of the picture; a picture from sendPad is already counted in `pending`.
async function send(body, type, mine = null) {
  if (mine === null) {
    mine = generation;
    pending++;
  }
  settled(false);
  lastSent = performance.now();
  document.body.dataset.state = "busy";
  try {
    const response = await fetch("/api/predict", { method: "POST", body, headers: { "Content-Type": type || "application/octet-stream" } });
    const answer = await response.json();
    if (mine !== generation) return;
    if (response.ok) {
      showAnswer(answer);
      setStatus("");
    } else {
      showAnswer(null);
      setStatus(answer.error || `the server answered ${response.status}`);
    }
  } catch (err) {
    if (mine === generation) setStatus("cannot reach the server: is 'digitnet serve' still running?");
  } finally {
    pending--;
    if (document.body.dataset.state === "busy") document.body.dataset.state = "idle";
    if (pending === 0) {
      if (again && !blank) schedule(true);
      else if (timer === null) settled(true);
    }
  }
}

// body[data-settled] is "true" when no answer is on its way: the answer shown is for the picture shown.
function settled(yes) {
  document.body.dataset.settled = String(yes);
}

// A photo or file: show it on the pad (if the browser can) and send the original bytes.
function usePicture(file) {
  clearPad();
  blank = false;
  createImageBitmap(file).then((bitmap) => {
    const scale = Math.min(pad.width / bitmap.width, pad.height / bitmap.height);
    const w = bitmap.width * scale, h = bitmap.height * scale;
    ctx.drawImage(bitmap, (pad.width - w) / 2, (pad.height - h) / 2, w, h);
  }).catch(() => {
    ctx.font = "16px sans-serif";
    ctx.fillText(file.name.slice(0, 30), 10, 24);
  });
  send(file, file.type);
}

// -- showing the answer ------------------------------------------------------------------------
function showAnswer(answer) {
  const probabilities = answer ? answer.probabilities : null;
  digitEl.textContent = answer ? String(answer.digit) : "?";
  digitEl.dataset.digit = answer ? String(answer.digit) : "";
  confidenceEl.textContent = answer ? `${percent(answer.probability)} sure` : "draw a digit";
  bars.forEach((li, d) => {
    const p = probabilities ? probabilities[d] : 0;
    li.dataset.probability = probabilities ? String(p) : "";
    li.classList.toggle("best", !!answer && d === answer.digit);
    li.querySelector(".fill").style.width = `${(100 * p).toFixed(1)}%`;
    li.querySelector(".value").textContent = probabilities ? percent(p) : "\u2013";
  });
  drawSeen(answer ? answer.image28 : undefined);
  document.body.dataset.state = answer ? "answered" : "empty";
}

function drawSeen(rows) {
  const pixels = seen.createImageData(28, 28);
  for (let i = 0; i < 28 * 28; i++) {
    const v = rows ? rows[Math.floor(i / 28)][i % 28] : 0;
    pixels.data.set([v, v, v, 255], 4 * i);
  }
  seen.putImageData(pixels, 0, 0);
}

function percent(p) {
  return `${(100 * p).toFixed(p >= 0.995 || p < 0.001 ? 0 : 1)}%`;
}

function setStatus(text) {
  statusEl.textContent = text;
}

function showModel(info) {
  const accuracy = info.test_accuracy ? `, ${percent(info.test_accuracy)} right on MNIST's test set` : "";
  document.getElementById("model").textContent = `model ${info.model}${accuracy}. ${info.description || ""}`;
}

setup();
