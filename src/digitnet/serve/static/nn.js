// The network's forward pass in plain JavaScript: the same arithmetic as digitnet's NumPy layers
// (src/digitnet/nn/layers/), one function per layer, for one picture at a time.
//
// A value flowing through the network is a "tensor": {shape, data}, where data is a Float64Array
// in row-major order. A picture is shape [1, 28, 28] for a convolutional network (channels, height,
// width) and [784] for a multilayer perceptron. Each layer function takes the tensor and the layer's
// description from the model file (model.js) and returns a new tensor; nothing is kept between calls.
//
// The weights are stored as float32 (float64 for networks trained in float64), exactly the numbers in
// the .npz model file. The sums here run in float64, which is a little more accurate than NumPy's
// float32 products: the probabilities agree with digitnet's to about a millionth.
"use strict";

(function (root) {
  // -- tensors --------------------------------------------------------------------------------------
  function tensor(shape, data) {
    return { shape, data: data || new Float64Array(shape.reduce((a, b) => a * b, 1)) };
  }

  // -- the layers -----------------------------------------------------------------------------------

  // dense: y = x W + b. W is stored (inputs, units), as in dense.py, so row i of W holds the weights
  // leaving input i. Any input shape is flattened first, as NumPy's x.reshape(len(x), -1).
  function dense(x, layer) {
    const W = layer.W.data, b = layer.b.data, units = layer.units, n = x.data.length;
    const y = Float64Array.from(b);
    for (let i = 0; i < n; i++) {
      const xi = x.data[i];
      if (xi === 0) continue; // MNIST is mostly black: skipping zero inputs saves most of the work
      const row = i * units;
      for (let j = 0; j < units; j++) y[j] += xi * W[row + j];
    }
    return tensor([units], y);
  }

  // conv2d: each of F kernels (C, kh, kw) slides over the (C, H, W) input with a stride, on an input
  // padded with zeros; output (F, OH, OW). As conv.py does, in two steps:
  //   1. unfold (im2col.py): for every output position, copy the patch under the kernel into one row
  //      of C*kh*kw numbers (zeros where the patch hangs over the padding);
  //   2. multiply: each output value is its filter's bias plus the dot product of the filter's
  //      weights (stored (F, C, kh, kw), the same order as a patch) with the patch.
  function conv2d(x, layer) {
    const [C, H, Wd] = x.shape, [kh, kw] = layer.kernel_size, [sh, sw] = layer.stride, [ph, pw] = layer.padding;
    const F = layer.filters, OH = Math.floor((H + 2 * ph - kh) / sh) + 1, OW = Math.floor((Wd + 2 * pw - kw) / sw) + 1;
    const K = C * kh * kw, P = OH * OW, patches = new Float64Array(P * K);
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        let k = (oy * OW + ox) * K;
        for (let c = 0; c < C; c++) {
          for (let i = 0; i < kh; i++) {
            const y = oy * sh + i - ph;
            for (let j = 0; j < kw; j++, k++) {
              const xx = ox * sw + j - pw;
              if (y >= 0 && y < H && xx >= 0 && xx < Wd) patches[k] = x.data[(c * H + y) * Wd + xx];
            }
          }
        }
      }
    }
    const W = layer.W.data, b = layer.b.data, out = new Float64Array(F * P);
    for (let f = 0; f < F; f++) {
      for (let p = 0; p < P; p++) {
        let sum = b[f];
        for (let k = 0, wk = f * K, pk = p * K; k < K; k++) sum += W[wk + k] * patches[pk + k];
        out[f * P + p] = sum;
      }
    }
    return tensor([F, OH, OW], out);
  }

  // max and average pooling: each (size) window, moved by (stride), becomes its largest value or its
  // mean. Windows that do not fit at the right or bottom edge are dropped (floor mode), as pooling.py.
  function pool(x, layer, combine) {
    const [C, H, Wd] = x.shape, [kh, kw] = layer.size, [sh, sw] = layer.stride;
    const OH = Math.floor((H - kh) / sh) + 1, OW = Math.floor((Wd - kw) / sw) + 1;
    const out = new Float64Array(C * OH * OW);
    for (let c = 0; c < C; c++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          const corner = (c * H + oy * sh) * Wd + ox * sw; // the window's top-left pixel
          out[(c * OH + oy) * OW + ox] = combine(x.data, corner, Wd, kh, kw);
        }
      }
    }
    return tensor([C, OH, OW], out);
  }
  function largest(data, corner, rowLength, kh, kw) {
    let best = -Infinity;
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) best = Math.max(best, data[corner + i * rowLength + j]);
    return best;
  }
  function mean(data, corner, rowLength, kh, kw) {
    let sum = 0;
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) sum += data[corner + i * rowLength + j];
    return sum / (kh * kw);
  }
  const maxpool2d = (x, layer) => pool(x, layer, largest);
  const avgpool2d = (x, layer) => pool(x, layer, mean);

  // batch normalisation in its inference form: each channel (the first axis) is shifted and scaled by
  // the running mean and variance kept in training, then by the learned gamma and beta:
  //   y = (x - running_mean) / sqrt(running_var + eps) * gamma + beta
  function batchnorm(x, layer) {
    const channels = x.shape[0], per = x.data.length / channels, y = new Float64Array(x.data.length);
    for (let c = 0; c < channels; c++) {
      const scale = layer.gamma.data[c] / Math.sqrt(layer.running_var.data[c] + layer.eps);
      const shift = layer.beta.data[c] - layer.running_mean.data[c] * scale;
      for (let k = c * per; k < (c + 1) * per; k++) y[k] = x.data[k] * scale + shift;
    }
    return tensor(x.shape, y);
  }

  // dropout only acts in training (inverted dropout scales the units kept), so at inference it is the
  // identity; flatten only changes the shape.
  const dropout = (x) => x;
  const identity = (x) => x;
  const flatten = (x) => tensor([x.data.length], x.data);

  // the activations, element by element (activations.py)
  function elementwise(fn) {
    return (x, layer) => {
      const y = new Float64Array(x.data.length);
      for (let k = 0; k < y.length; k++) y[k] = fn(x.data[k], layer);
      return tensor(x.shape, y);
    };
  }
  // 1 / (1 + e^-x), written so that exp never sees a positive number (functional.sigmoid)
  const sigmoidOf = (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
  const sigmoid = elementwise(sigmoidOf);
  const tanh = elementwise(Math.tanh);
  const relu = elementwise((v) => (v > 0 ? v : 0));
  const leakyRelu = elementwise((v, layer) => (v > 0 ? v : v * layer.alpha));

  // softmax over the last axis: exp(z - max) / sum, the max subtracted so exp never overflows
  function softmaxOf(z) {
    const top = Math.max(...z);
    const e = z.map((v) => Math.exp(v - top));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  }
  const softmax = (x) => tensor(x.shape, Float64Array.from(softmaxOf(Array.from(x.data))));

  // log(sum(exp(z))), shifted by the max like softmax
  function logSumExp(z) {
    const top = Math.max(...z);
    return top + Math.log(z.reduce((s, v) => s + Math.exp(v - top), 0));
  }

  const LAYERS = {
    dense, conv2d, maxpool2d, avgpool2d, batchnorm, dropout, flatten, identity, softmax,
    sigmoid, tanh, relu, leaky_relu: leakyRelu,
  };
  // what the loss makes of the network's last values (losses/*.py: Loss.output)
  const OUTPUTS = {
    softmax: softmaxOf, sigmoid: (z) => z.map(sigmoidOf), identity: (z) => z.slice(),
  };

  // -- a network ------------------------------------------------------------------------------------

  // Run the layers in order. With keep = true, every layer's output is returned too (the page shows
  // the first layer's feature maps).
  function forward(member, input, keep = false) {
    let x = tensor(member.input_shape, input);
    const outputs = [];
    for (const layer of member.layers) {
      x = LAYERS[layer.type](x, layer);
      if (keep) outputs.push(x);
    }
    return { values: Array.from(x.data), outputs };
  }

  // Pixels as the network takes them: 0-255, divided by 255 in float32 (digitnet.nn.inputs)
  function scalePixels(pixels) {
    if (!pixels || pixels.length !== 784) {
      throw new Error(`read() takes 784 pixel values (a 28x28 picture, row by row), got ${pixels ? pixels.length : pixels}`);
    }
    const x = new Float64Array(784);
    for (let i = 0; i < 784; i++) {
      const v = Number(pixels[i]);
      if (!(v >= 0 && v <= 255)) throw new Error(`pixel ${i} is ${pixels[i]}; pixels are 0-255, ink bright`);
      x[i] = Math.fround(v / 255);
    }
    return x;
  }

  // The whole model: each member's values and probabilities, and their mean (a committee averages its
  // members' probabilities, as nn/committee.py; a single network is a committee of one). A model with a
  // reject rule calibrates them: softmax(z / T), each network at its own temperature (digitnet.io.Model).
  function run(model, pixels, keep = false) {
    const x = scalePixels(pixels);
    const members = model.members.map((member, m) => {
      const { values, outputs } = forward(member, x, keep);
      const T = temperature(model, m);
      const probabilities = member.output === "softmax" && T !== 1 ? softmaxOf(values.map((v) => v / T))
        : OUTPUTS[member.output](values);
      return { values, probabilities, outputs };
    });
    const k = members[0].probabilities.length;
    const probabilities = new Array(k).fill(0);
    for (const m of members) m.probabilities.forEach((p, j) => { probabilities[j] += p / members.length; });
    // the answer: the largest value for one network (Network.classes), the largest mean probability for
    // a committee (Committee.predict); the first on a tie, as NumPy's argmax
    const digit = argmax(members.length === 1 ? members[0].values : probabilities);
    return { digit, probabilities, members };
  }

  // the temperature of network m: the rule's own for each network of a committee, or its one temperature
  function temperature(model, m) {
    const rule = model.reject;
    if (!rule) return 1;
    if (rule.temperatures) return rule.temperatures[m];
    return rule.temperature || 1;
  }

  function argmax(values) {
    let best = 0;
    for (let j = 1; j < values.length; j++) if (values[j] > values[best]) best = j;
    return best;
  }

  // -- refusing: "not a digit" ----------------------------------------------------------------------
  // The model may carry a rule (model.reject, from the model file's metadata) that turns a reading into
  // a refusal when the network's values z (its logits) look unlike those it gives to digits:
  //   score "energy":          T * logsumexp(z / T) (minus the free energy: large when one logit stands out);
  //   score "max_probability": the largest of softmax(z / T), a calibrated confidence;
  //   score "max_logit":       the largest of z;
  // for a committee, the members' scores (energy, max_logit) or probabilities (max_probability) are
  // averaged, each network at its own temperature when the rule gives `temperatures` (one per network).
  // The reading is refused when the score is below `threshold` (null: never by the score).
  // A committee's rule may also give `disagreement`: refuse when more than that share of the members'
  // own answers differ from the committee's.
  const SCORES = {
    energy: (z, T) => T * logSumExp(z.map((v) => v / T)),
    max_logit: (z) => Math.max(...z),
  };

  // a score and the threshold it misses, with two decimals or as many more as it takes for them not to
  // read the same ("5.16 is below 5.16" says nothing), numbers too close for 16 decimals in full: as
  // reject/wording.py's told_apart writes them (its fixed() writes numbers as toFixed and String do)
  function fixed(x, decimals) {
    if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
    return decimals === undefined ? String(x) : x.toFixed(decimals);
  }

  function toldApart(score, threshold) {
    for (let decimals = 2; decimals <= 16; decimals++) {
      const shown = [fixed(score, decimals), fixed(threshold, decimals)];
      if (shown[0] !== shown[1]) return shown;
    }
    return [fixed(score), fixed(threshold)];
  }

  function refusal(model, reading) {
    const rule = model.reject;
    if (!rule) return null;
    const values = reading.members.map((m) => m.values);
    let score;
    if (rule.score === "max_probability") {
      const mean = new Array(values[0].length).fill(0);
      values.forEach((z, m) => {
        const T = temperature(model, m);
        softmaxOf(z.map((v) => v / T)).forEach((p, j) => { mean[j] += p / values.length; });
      });
      score = Math.max(...mean);
    } else {
      score = values.reduce((sum, z, m) => sum + SCORES[rule.score](z, temperature(model, m)), 0) / values.length;
    }
    // the reasons in the words digitnet uses in Python (reject/decision.py), so both say the same
    if (rule.threshold !== null && score < rule.threshold) {
      const [shown, limit] = toldApart(score, Number(rule.threshold));
      return { score, reason: `its ${rule.score.replace("_", " ")} score ${shown} is below the model's threshold ${limit}` };
    }
    if (rule.disagreement !== undefined && rule.disagreement !== null && reading.members.length > 1) {
      const against = reading.members.filter((m) => argmax(m.values) !== reading.digit).length;
      if (against / reading.members.length > rule.disagreement) {
        return { score, reason: `${against} of ${reading.members.length} networks of the committee give another answer` };
      }
    }
    return { score, reason: null };
  }

  // -- reading the model file -----------------------------------------------------------------------
  // model.js holds every array as base64 of its little-endian bytes: {shape, dtype, data}.
  function decodeArray(stored) {
    const bytes = atobBytes(stored.data);
    const size = stored.dtype === "float64" ? 8 : 4;
    const view = new DataView(bytes.buffer), n = bytes.length / size, out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = size === 8 ? view.getFloat64(i * size, true) : view.getFloat32(i * size, true);
    return { shape: stored.shape, data: out };
  }

  function atobBytes(text) {
    const binary = root.atob(text), bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  const ARRAYS = ["W", "b", "gamma", "beta", "running_mean", "running_var"];

  // The model with its arrays decoded, ready for run(); the description itself is left as it was.
  function loadModel(description) {
    if (!description || description.format !== "digitnet-web-model") {
      throw new Error("model.js is missing or is not a digitnet web model; make the folder again with 'digitnet export --web'");
    }
    if (description.version > 1) throw new Error("model.js was written by a newer digitnet; update the page's files too");
    const members = description.members.map((member) => ({
      input_shape: member.input_shape,
      output: member.output,
      layers: member.layers.map((layer) => {
        if (!(layer.type in LAYERS)) throw new Error(`the model has a layer this page does not know: ${layer.type}`);
        const decoded = { ...layer };
        for (const name of ARRAYS) if (layer[name]) decoded[name] = decodeArray(layer[name]);
        return decoded;
      }),
    }));
    return { ...description, members };
  }

  root.digitnetNN = { LAYERS, OUTPUTS, loadModel, forward, run, refusal, toldApart, temperature, softmaxOf, logSumExp, argmax,
                      scalePixels };
})(globalThis);
