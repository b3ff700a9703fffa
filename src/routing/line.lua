-- Second part of the routing script (after store.lua, before ops.lua): the
-- waiting line and who may take a free counsellor.
--
-- A place in line is in four structures: its pool's line (`line:<pool>`,
-- by arrival number), `lines` (call → pool), `seen` (call → last
-- `enqueue`), and for every counsellor the call has tried `tw:<pool>:<id>`
-- (waiting calls that tried them, by arrival number). `join` and `unline`
-- keep them together.

local function wkey(pool, id) return P .. 'tw:' .. pool .. ':' .. id end

local function touch(call)
  redis.call('EXPIRE', P .. 'call:' .. call, CALL_TTL_S)
  redis.call('EXPIRE', P .. 'tried:' .. call, CALL_TTL_S)
end

-- The caller is still there: their place lasts `stale_after` from now.
local function seen(call)
  redis.call('ZADD', P .. 'seen', now, call)
  due_at(now + stale_after + 1)
end

local function join(call, pool, seq)
  redis.call('ZADD', P .. 'line:' .. pool, seq, call)
  redis.call('HSET', P .. 'lines', call, pool)
  seen(call)
  for _, id in ipairs(redis.call('SMEMBERS', P .. 'tried:' .. call)) do
    redis.call('ZADD', wkey(pool, id), seq, call)
  end
end

local function requeue(call, rec)
  local seq, pool = unpack(redis.call('HMGET', rec, 'seq', 'pool'))
  if seq and seq ~= '' and pool then join(call, pool, seq) end
end

local function unline(call)
  local pool = redis.call('HGET', P .. 'lines', call)
  if not pool then return false end
  redis.call('ZREM', P .. 'line:' .. pool, call)
  redis.call('HDEL', P .. 'lines', call)
  redis.call('ZREM', P .. 'seen', call)
  for _, id in ipairs(redis.call('SMEMBERS', P .. 'tried:' .. call)) do
    redis.call('ZREM', wkey(pool, id), call)
  end
  return true
end

-- A place in line not refreshed by `enqueue` for longer than stale_after
-- belongs to a caller whose hang-up never reached us: drop it (counted
-- abandoned) so it cannot block the line. Its arrival number goes too, so a
-- caller who does come back joins at the end. Each place is dropped once,
-- found via the `seen` sorted set: the cost is per dropped place.
local function prune_line()
  local cutoff = string.format('(%d', now - stale_after)
  for _, call in ipairs(redis.call('ZRANGEBYSCORE', P .. 'seen', '-inf', cutoff)) do
    unline(call)
    redis.call('HDEL', P .. 'call:' .. call, 'seq', 'pool')
    redis.call('HINCRBY', P .. 'stats', 'abandoned', 1)
  end
end

-- Joins the line of `pool` (or, already waiting, marks the caller as still
-- there) and returns the 1-based position. A caller put back in line after
-- a claim keeps their original place.
local function enqueue(call, pool)
  local rec = P .. 'call:' .. call
  local current = redis.call('HGET', P .. 'lines', call)
  if current then
    seen(call)
    return redis.call('ZRANK', P .. 'line:' .. current, call) + 1
  end
  local seq, old = unpack(redis.call('HMGET', rec, 'seq', 'pool'))
  if not seq or seq == '' or old ~= pool then
    seq = redis.call('HINCRBY', P .. 'seq', 'line', 1)
    redis.call('HSET', rec, 'seq', seq, 'pool', pool)
  end
  join(call, pool, seq)
  touch(call)
  return redis.call('ZRANK', P .. 'line:' .. pool, call) + 1
end

-- Is `id` free to be rung from `pool`? A pool set can still name someone
-- whose hash vanished or says otherwise; such an entry is dropped the
-- first time a claim meets it, so nobody offline or away is ever rung.
local function claimable(id, pool)
  local h = load(id)
  if h and h.status == 'available' then
    for _, p in ipairs(pools(h)) do
      if p == pool then return h end
    end
  end
  for _, st in ipairs(STRATS) do redis.call('ZREM', P .. 'pool:' .. pool .. ':' .. st, id) end
  return nil
end

-- The best free counsellor of the pool set `key` not in `tried` (a set of
-- `n` ids): the first n + 1 in strategy order hold one if any exists.
local function best_untried(key, tried, n)
  for _, id in ipairs(redis.call('ZRANGE', key, 0, n)) do
    if not tried[id] then return id end
  end
  return nil
end

-- Among the counsellors the first in line has tried, the best one every
-- caller ahead of `call` (`ahead` of them) has tried too, and `call` not.
local function best_passed_over(pool, key, tried, ahead, below)
  local line = P .. 'line:' .. pool
  local head = redis.call('ZRANGE', line, 0, 0)[1]
  local best, best_score
  for _, id in ipairs(redis.call('SMEMBERS', P .. 'tried:' .. head)) do
    if not tried[id] then
      local sc = redis.call('ZSCORE', key, id)
      if sc and redis.call('ZCOUNT', wkey(pool, id), '-inf', below) == ahead then
        sc = tonumber(sc)
        if not best or sc < best_score or (sc == best_score and id < best) then
          best, best_score = id, sc
        end
      end
    end
  end
  return best
end

-- Whom a caller may take from `pool` by `strat`, never one in `tried`.
-- The line is fair without blocking: a free counsellor goes to the
-- longest-waiting caller who has not tried them. So a caller may take a
-- counsellor only if every caller ahead has tried them already: the first
-- in line (or anyone when nobody waits) takes the best untried one; anyone
-- behind chooses among those the first in line tried (at most its
-- attempts), each checked with one count of `tw:<pool>:<id>`. `ahead`:
-- how many wait ahead of the caller; `below`: the caller's place as a
-- ZCOUNT bound (`(<arrival number>` or `+inf`).
local function choose(pool, strat, tried, n, ahead, below)
  local key = P .. 'pool:' .. pool .. ':' .. strat
  while true do
    local id
    if ahead == 0 then
      id = best_untried(key, tried, n)
    else
      id = best_passed_over(pool, key, tried, ahead, below)
    end
    if not id then return nil end
    local h = claimable(id, pool)
    if h then return id, h end
  end
end

-- The earliest deadline of any kind, at most LOOK_EVERY from now.
local function earliest()
  local t = now + LOOK_EVERY
  for _, z in pairs(DSET) do
    local first = redis.call('ZRANGE', P .. z, 0, 0, 'WITHSCORES')[2]
    if first and tonumber(first) < t then t = tonumber(first) end
  end
  local first = redis.call('ZRANGE', P .. 'seen', 0, 0, 'WITHSCORES')[2]
  if first and tonumber(first) + stale_after + 1 < t then t = tonumber(first) + stale_after + 1 end
  return t
end

-- Every time-driven change due by now, before the operation itself.
local function look()
  tick()
  prune_line()
  guard = earliest()
end
