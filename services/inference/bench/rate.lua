-- wrk script: POST the JSON body in BODY_FILE, each connection pausing DELAY_MS between requests,
-- so connections / (latency + delay) sets the request rate. Prints p99.9, which wrk's --latency
-- table leaves out.
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
-- wrk takes whole milliseconds from delay(): a fractional pause is met on average by rounding
-- each one up or down at random.
local pause = tonumber(os.getenv("DELAY_MS") or "0")
local whole = math.floor(pause)
local fraction = pause - whole
function delay()
  if math.random() < fraction then
    return whole + 1
  end
  return whole
end
function done(summary, latency, requests)
  io.write(string.format("p99.9 latency: %dus\n", latency:percentile(99.9)))
end
