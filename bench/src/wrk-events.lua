-- wrk script for bench/ingest: replays pre-signed store events (one per line: id TAB timestamp TAB
-- signature TAB body), each thread from its own slice, and reports p50/p95/p99 and non-202 answers.
local events = {}
local path = "/webhooks/" .. os.getenv("BENCH_MARKETPLACE")
local file = os.getenv("BENCH_EVENTS")
local thread_index = 0
local thread_count = tonumber(os.getenv("BENCH_THREADS") or "1") -- wrk's -t
local threads = {}

function setup(thread)
  thread:set("index", thread_index)
  thread_index = thread_index + 1
  table.insert(threads, thread)
end

function init(args)
  local count = 0
  for line in io.lines(file) do
    count = count + 1
    if (count - 1) % thread_count == index then -- each thread its own slice; one thread: every line
      local id, ts, sig, body = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t(.*)$")
      table.insert(events, wrk.format("POST", path, {
        ["Content-Type"] = "application/json",
        ["webhook-id"] = id, ["webhook-timestamp"] = ts, ["webhook-signature"] = sig }, body))
    end
  end
  next_event = 0
  not_accepted = 0
end

function request()
  next_event = next_event % #events + 1
  return events[next_event]
end

function response(status, headers, body)
  if status ~= 202 then
    not_accepted = not_accepted + 1
  end
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  local status = summary.errors.status
  io.write(string.format("WRK requests=%d seconds=%.3f p50=%.3f p95=%.3f p99=%.3f socket_errors=%d non2xx=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, errors, status))
end
