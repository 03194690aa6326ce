-- wrk script for scripts/load-test.sh: one route per wrk process (MODE), so
-- that each route gets its own latency percentiles; status counts per route.
local mode = os.getenv("MODE") or "browse"
local dir = os.getenv("LOAD_DIR") or "."
local threads = {}
local counter = 0

local function lines(path)
  local t = {}
  local f = io.open(path, "r")
  if f then
    for l in f:lines() do t[#t + 1] = l end
    f:close()
  end
  return t
end

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local ids, words, sessions, pending, cookie, token
local categories = { "menskracht", "kennis", "materiaal", "netwerk", "faciliteiten", "creativiteit" }

function init(args)
  counts = {}
  ids = lines(dir .. "/item-ids")
  words = lines(dir .. "/words")
  sessions = lines(dir .. "/sessions")
  math.randomseed(os.time() + tid * 7919)
  if mode == "post" and #sessions > 0 then
    local s = sessions[(tid - 1) % #sessions + 1]
    cookie, token = s:match("^(%S+) (%S+)$")
  end
end

function request()
  counter = counter + 1
  if mode == "browse" then
    local r = math.random(3)
    if r == 1 then return wrk.format("GET", "/markt") end
    if r == 2 then return wrk.format("GET", "/markt?pagina=" .. math.random(2, 20)) end
    return wrk.format("GET", "/markt?categorie=" .. categories[math.random(#categories)])
  elseif mode == "search" then
    return wrk.format("GET", "/markt?q=" .. urlencode(words[math.random(#words)]))
  elseif mode == "item" then
    return wrk.format("GET", "/items/" .. ids[math.random(#ids)])
  elseif mode == "login" then
    if pending then
      local c, t = pending[1], pending[2]
      pending = nil
      return wrk.format("POST", "/inloggen", {
        ["Cookie"] = c,
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["Origin"] = "http://" .. wrk.host .. ":" .. wrk.port,
      }, "csrf=" .. t .. "&email=gebruiker" .. math.random(20) .. "%40voorbeeld.nl&password=een+lang+geheim+wachtwoord")
    end
    return wrk.format("GET", "/inloggen")
  elseif mode == "post" then
    return wrk.format("POST", "/items", {
      ["Cookie"] = cookie,
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Origin"] = "http://" .. wrk.host .. ":" .. wrk.port,
    }, "csrf=" .. token .. "&direction=offer&category=kennis&title=Lasttest+" .. tid .. "-" .. counter
       .. "&description=Geplaatst+tijdens+de+lasttest")
  end
  return wrk.format("GET", "/markt")
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if mode == "login" and status == 200 then
    local c = headers["set-cookie"] or headers["Set-Cookie"]
    local t = body:match('name="csrf" value="([^"]+)"')
    if c and t then pending = { c:match("^([^;]+)"), t } end
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do parts[#parts + 1] = k .. "=" .. v end
  table.sort(parts)
  io.write(string.format("RESULT %-7s requests=%d rps=%.1f p50=%.1fms p99=%.1fms timeouts=%d statuses=%s\n",
    mode, summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.timeout, table.concat(parts, ",")))
end
