-- wrk script: one credit-risk row as a stock Open Inference Protocol request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("WARDEN_API_KEY") or "")
local names = {"pirat","hirat","lvrat","chist","mhist","phist","unemp","selfemp","insurance","condomin","single","hschool"}
local values = {0.221,0.221,0.8,5,2,0,3.9,0,0,0,0,1}
local inputs = {}
for i, n in ipairs(names) do
  inputs[i] = string.format('{"name":"%s","shape":[1,1],"datatype":"FP32","data":[%s]}', n, values[i])
end
wrk.body = '{"inputs":[' .. table.concat(inputs, ",") .. ']}'

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
