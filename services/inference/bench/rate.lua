-- wrk script: POST the JSON body in BODY_FILE, each connection pausing DELAY_MS between requests,
-- so connections / (latency + delay) sets the request rate.
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
local pause = tonumber(os.getenv("DELAY_MS") or "0")
function delay()
  return pause
end
