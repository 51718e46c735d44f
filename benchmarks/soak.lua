-- The soak's mixed load for wrk; `radix bench --only soak` runs it (benchmarks/soak.py).
--
-- Every connection cycles through REQUESTS. wrk does not say which request a response
-- answers, so each request carries its kind as its X-Request-ID, which the server echoes on
-- every answer (the middleware's refusals too): response() tallies status codes by kind.
-- wrk gives each thread a Lua state of its own; done() runs in yet another, so it gathers
-- the threads' tallies through the handles setup() kept, and prints one JSON line.

-- kind, method, path, JSON body (nil for a GET), the status expected
local REQUESTS = {
  {"health", "GET", "/health", nil, 200},
  {"entity", "GET", "/entities/RADIX:femoral_nerve", nil, 200},
  {"search", "GET", "/entities?q=femoral&limit=5", nil, 200},
  {"roots", "GET", "/roots?kind=numbness&site=anterior%20thigh", nil, 200},
  {"paths", "GET", "/paths?source=L3%20spinal%20nerve&target=anterior%20thigh&max_length=8&limit=5", nil, 200},
  {"localize", "POST", "/localize",
    '{"findings":[{"kind":"numbness","site":"anterior thigh"},{"kind":"weakness","site":"knee extension"},'
    .. '{"kind":"weakness","site":"hip adduction","present":false}]}', 200},
  {"pathway", "GET", "/pathways/RADIX:spinal_nerve_L5", nil, 200},
  {"territory", "GET", "/territories/RADIX:spinal_nerve_L5?map=map_isncsci", nil, 200},
  {"sparql", "GET", "/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D", nil, 200},
  {"page", "GET", "/", nil, 200},
  {"lesson", "GET", "/lessons/RADIX:femoral_nerve?format=html", nil, 200},
  {"subgraph", "GET", "/subgraph?seed=RADIX:femoral_nerve&depth=1", nil, 200},
  -- deliberate: an unknown id is answered 404 with the closest names; the only status not 200
  {"missing", "GET", "/entities/RADIX:no_such_entity", nil, 404},
}
local PREFIX = "soak."
local KIND = "^soak%.(.+)$" -- PREFIX as a Lua pattern: the kind out of an echoed id

-- each thread's own state
local formatted = {}
local sent = 0
tally = {} -- "kind status" → answers; global so that done() can get it, and flat: wrk 4.1 crashes copying nested tables

function init(args)
  for i, r in ipairs(REQUESTS) do
    local headers = {["X-Request-ID"] = PREFIX .. r[1], ["Accept"] = "application/json"}
    if r[4] then
      headers["Content-Type"] = "application/json"
    end
    formatted[i] = wrk.format(r[2], r[3], headers, r[4])
  end
end

function request()
  sent = sent + 1
  return formatted[(sent - 1) % #formatted + 1]
end

function response(status, headers, body)
  local id = headers["x-request-id"] or headers["X-Request-ID"] or ""
  local key = (id:match(KIND) or "unknown") .. " " .. status
  tally[key] = (tally[key] or 0) + 1
end

-- the main state's own
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function quote(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get("tally") or {}) do
      local kind, status = key:match("^(.+) (%d+)$")
      totals[kind] = totals[kind] or {}
      totals[kind][status] = (totals[kind][status] or 0) + n
    end
  end
  local kinds = {}
  for _, r in ipairs(REQUESTS) do
    table.insert(kinds, string.format('{"kind":%s,"method":%s,"path":%s,"expect":%d}', quote(r[1]), quote(r[2]), quote(r[3]), r[5]))
  end
  local tallied = {}
  for kind, by_status in pairs(totals) do
    local counts = {}
    for status, n in pairs(by_status) do
      table.insert(counts, string.format("%s:%d", quote(status), n))
    end
    table.insert(tallied, string.format("%s:{%s}", quote(kind), table.concat(counts, ",")))
  end
  local e = summary.errors
  io.write(string.format(
    'RADIX {"threads":%d,"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,'
    .. '"p50_us":%d,"p99_us":%d,"max_us":%d,"kinds":[%s],"tally":{%s}}\n',
    #threads, summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, table.concat(kinds, ","), table.concat(tallied, ",")))
end
