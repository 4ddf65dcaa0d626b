-- wrk script for bench/deliver: posts each pre-signed store event of BENCH_EVENTS (one per line:
-- id TAB timestamp TAB signature TAB body) once. wrk keeps every connection busy and runs for its
-- whole duration, so once all events are out a connection asks for a cheap GET (answered 405, no
-- work) every 100 ms; the benchmark ends wrk when the inbox holds every event.
local events = {}
local path = "/webhooks/" .. os.getenv("BENCH_MARKETPLACE")

function init(args)
  for line in io.lines(os.getenv("BENCH_EVENTS")) do
    local id, ts, sig, body = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t(.*)$")
    table.insert(events, wrk.format("POST", path, {
      ["Content-Type"] = "application/json",
      ["webhook-id"] = id, ["webhook-timestamp"] = ts, ["webhook-signature"] = sig }, body))
  end
  filler = wrk.format("GET", path) -- here, not at load: wrk sets the Host header after loading
  sent = 0
  first = true
end

function delay()
  return sent < #events and 0 or 100
end

function request()
  if first then
    -- wrk builds one request it never sends: let it be the filler rather than an event
    first = false
    return filler
  end
  if sent < #events then
    sent = sent + 1
    return events[sent]
  end
  return filler
end

function response(status, headers, body)
  if status ~= 202 and status ~= 405 then
    io.write(string.format("WRK refused %d: %s\n", status, body))
    io.flush()
  end
end
