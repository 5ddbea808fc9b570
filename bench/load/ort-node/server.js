// A bare onnxruntime-node HTTP server: one ONNX file served over the Open Inference Protocol's V2 JSON
// (POST /v2/models/<name>/infer, the response shaped as Warden's), for bench/load/peer.sh.
// Usage: node server.js MODEL.onnx NAME PORT
'use strict';
const http = require('http');
const crypto = require('crypto');
const ort = require('onnxruntime-node');

const [modelPath, name = 'credit-risk', port = '9103'] = process.argv.slice(2);
const typed = { FP32: ['float32', Float32Array], FP64: ['float64', Float64Array], INT64: ['int64', BigInt64Array], INT32: ['int32', Int32Array] };
const v2Type = { float32: 'FP32', float64: 'FP64', int64: 'INT64', int32: 'INT32', bool: 'BOOL', string: 'BYTES' };
const route = `/v2/models/${name}/infer`;

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function infer(request) {
  const feeds = {};
  for (const input of request.inputs) {
    const [type, Array] = typed[input.datatype] || [];
    if (!type) throw new Error(`input '${input.name}': unsupported datatype ${input.datatype}`);
    const data = input.data.flat(Infinity);
    feeds[input.name] = new ort.Tensor(type, Array.from(type === 'int64' ? data.map(BigInt) : data), input.shape);
  }
  const results = await session.run(feeds);
  const outputs = Object.entries(results).map(([outputName, tensor]) => ({
    name: outputName,
    datatype: v2Type[tensor.type] || tensor.type,
    shape: tensor.dims,
    data: Array.from(tensor.data, v => (tensor.type === 'bool' ? Boolean(v) : typeof v === 'bigint' ? Number(v) : v)),
  }));
  return { model_name: name, model_version: '1', id: request.id || crypto.randomUUID(), outputs };
}

let session;
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/v2/health/ready') return send(res, 200, { ready: true });
  if (req.method !== 'POST' || req.url !== route) return send(res, 404, { error: `unknown route ${req.url}` });
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    let request;
    try { request = JSON.parse(Buffer.concat(chunks)); } catch (e) { return send(res, 400, { error: `malformed JSON: ${e.message}` }); }
    infer(request).then(body => send(res, 200, body), e => send(res, 400, { error: e.message }));
  });
});

ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 }).then(s => {
  session = s;
  server.listen(Number(port), '127.0.0.1', () => console.log(`ort-node peer: ${name} from ${modelPath} on 127.0.0.1:${port}`));
});
