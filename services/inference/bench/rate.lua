-- wrk script: POST the JSON body in BODY_FILE, each connection pausing DELAY_MS on average
-- between requests, so connections / (latency + delay) sets the request rate. Prints p99.9,
-- which wrk's --latency table leaves out.
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
-- Pauses are drawn from an exponential distribution, as independent clients send: a fixed pause
-- keeps connections that were answered together sending together, so a server that answers a
-- batch at once would see the same bursts again and again. wrk takes whole milliseconds from
-- delay(): each pause is rounded up or down at random, which keeps its mean.
local mean = tonumber(os.getenv("DELAY_MS") or "0")
math.randomseed(os.time())
function delay()
  if mean <= 0 then
    return 0
  end
  local pause = -mean * math.log(1 - math.random())
  local whole = math.floor(pause)
  if math.random() < pause - whole then
    return whole + 1
  end
  return whole
end
function done(summary, latency, requests)
  io.write(string.format("p99.9 latency: %dus\n", latency:percentile(99.9)))
end
