-- wrk script for scripts/load: what each request asks for, and how fast each connection goes.
--   wrk ... -s scripts/load_mix.lua -- KIND DELAY_MS MOVIES
-- KIND: "mix" (home 20 %, catalog pages 30 %, searches 15 %, movie pages 15 %, JSON API 20 %),
-- or one part of it alone: "home", "movies" (/movies list pages 1-200), "search" (/movies?q=),
-- "movie" (a movie's page), "json" (JSON list pages 1-200). DELAY_MS: the pause before each
-- request on a connection (0: as fast as the server answers). MOVIES: ids are 1..MOVIES.
-- Each request comes from one of 5,000 client addresses (X-Forwarded-For, as behind the load
-- balancer), so the per-client API allowance applies as it would in production.

local words = { "Silent", "Midnight", "River", "Empire", "Shadow", "Glass", "Harbor", "Winter",
  "Crimson", "Echo", "Garden", "Iron", "Velvet", "Storm", "Lantern", "Paper", "Orbit", "Desert",
  "Road", "City", "Heart", "Station", "Sea", "Machine", "Dream", "Letter", "Mountain", "Island" }

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  kind = args[1] or "mix"
  pause = tonumber(args[2] or "0")
  movies = tonumber(args[3] or "100000")
  math.randomseed(os.time() * 100 + (id or 0))
end

function delay()
  return pause
end

local function path()
  if kind == "json" then
    return "/api/v1/movies?page=" .. math.random(1, 200)
  elseif kind == "movies" then
    return "/movies?page=" .. math.random(1, 200)
  elseif kind == "home" then
    return "/"
  elseif kind == "search" then
    return "/movies?q=" .. words[math.random(#words)]
  elseif kind == "movie" then
    return "/movies/" .. math.random(1, movies)
  end
  local r = math.random(100)
  if r <= 20 then
    return "/"
  elseif r <= 50 then
    return "/movies?page=" .. math.random(1, 50)
  elseif r <= 65 then
    return "/movies?q=" .. words[math.random(#words)]
  elseif r <= 80 then
    return "/movies/" .. math.random(1, movies)
  elseif r <= 92 then
    return "/api/v1/movies?page=" .. math.random(1, 200)
  else
    return "/api/v1/movies?q=" .. words[math.random(#words)]
  end
end

function request()
  local client = "10.0." .. math.random(0, 19) .. "." .. math.random(1, 250)
  return wrk.format("GET", path(), { ["X-Forwarded-For"] = client })
end
