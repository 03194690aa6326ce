-- scripts/bench-national.sh: a different page per request, so few come
-- from the instance's memory. MODE=filter: a random municipality, category
-- and page; MODE=search: a random word in a random municipality.
-- FIRST/LAST: the range of municipality ids.
local mode = os.getenv("MODE") or "filter"
local first = tonumber(os.getenv("FIRST") or "1")
local last = tonumber(os.getenv("LAST") or "350")
local cats = {"menskracht", "kennis", "materiaal", "netwerk", "faciliteiten", "creativiteit"}
local words = {"vergaderruimte", "bestelbus", "klussers", "schilders", "laptop", "tuinhulp",
               "boekhouding", "fotograaf", "website", "koffie", "tafels", "stoelen", "workshop",
               "vrijwilligers", "netwerk", "drukwerk", "kantine", "aanhanger", "coaching", "muziek"}
math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 1000)
request = function()
  local m = math.random(first, last)
  if mode == "search" then
    return wrk.format(nil, "/markt?q=" .. words[math.random(#words)] .. "&gemeente=" .. m)
  end
  return wrk.format(nil, "/markt?gemeente=" .. m .. "&categorie=" .. cats[math.random(#cats)]
    .. "&pagina=" .. math.random(1, 2))
end
