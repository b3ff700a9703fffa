-- lotse routing store: every operation is one call of `main` (ops.lua),
-- run as a Redis function (FCALL; the library is this file, then
-- line.lua, then ops.lua) or, where functions are unavailable, as a script
-- (EVALSHA), so each is atomic on the Redis server. The first key is the
-- hotline's key prefix, which carries the hash tag (`lotse:{hotline}:`);
-- every key below is that prefix plus a suffix, so all of them live in one
-- cluster slot. Arguments: 1 = operation, 2 = now (epoch ms), 3 = how long
-- a place in line lasts without a fresh `enqueue` (ms), 4 = how long a call
-- may stay `in_call` before the store ends it (ms), then the operation's.
-- src/routing/memory/ mirrors these files rule for rule; change both together.
--
-- Cost: no operation reads the team or the line. Who is on duty is a set
-- per pool kept as states change; every time-driven change is found once
-- through a sorted set by its deadline, and `due` (the earliest deadline)
-- spares even that look while nothing is due. An operation costs a
-- constant number of commands plus a small constant per transition it
-- applies. As a function the helpers below are made once, at load; as a
-- script every call runs the whole chunk, so it defines few of them: the
-- operations themselves are the branches of ops.lua.
-- Per call: set by `main` (ops.lua) from the call's keys and arguments.
local P, op, now, stale_after, max_call
-- Nothing is due before `guard` (ms): kept in `due`, lowered whenever a
-- deadline is set, recomputed after every full look.
local guard0, guard
local DAY = 86400000
local CALL_TTL_S = 86400
local EVENTS_KEPT = 64
-- A full look at the deadlines at least this often, whatever `due` says.
local LOOK_EVERY = 60000
local STRATS = {'longest-idle', 'round-robin', 'fewest-calls'}
local STATUSES = {'offline', 'available', 'away', 'ringing', 'in_call', 'wrap_up'}
local ENGAGED = {available = true, ringing = true, in_call = true, wrap_up = true}
-- The deadline sorted set and hash field of each status that ends at one.
local DSET = {available = 'leases', ringing = 'rings', wrap_up = 'wraps', in_call = 'talks'}
local DFIELD = {available = 'lease', ringing = 'ring', wrap_up = 'wrap', in_call = 'talk'}

local function due_at(t)
  if t < guard then guard = t end
end

local function num(h, f) return tonumber(h[f] or '0') or 0 end

local function pools(h)
  local out = {}
  for p in string.gmatch(h.pools or '', '[^,]+') do out[#out + 1] = p end
  return out
end

local function save(id, h)
  local flat = {}
  for k, v in pairs(h) do flat[#flat + 1] = k; flat[#flat + 1] = v end
  redis.call('HSET', P .. 'c:' .. id, unpack(flat))
end

local function event(kind, id)
  redis.call('RPUSH', P .. 'events', kind .. ':' .. id)
  redis.call('LTRIM', P .. 'events', -EVENTS_KEPT, -1)
end

local function score(h, strat)
  if strat == 'longest-idle' then return num(h, 'idle') end
  if strat == 'round-robin' then return num(h, 'rr') end
  return num(h, 'day') * 1000000 + num(h, 'calls')
end

-- The sets follow the hash: `st:<status>` holds everyone by status,
-- `duty:<pool>` the engaged members of each pool, `pool:<pool>:<strategy>`
-- the available by score, and `leases`, `rings`, `wraps`, `talks` those
-- whose status ends at a deadline. `sets` adds (`add`) or removes one
-- counsellor as `h` says (`duty:` left alone with `keep_duty`).
local function sets(id, h, add, keep_duty)
  local s = add and 'SADD' or 'SREM'
  local ps = pools(h)
  redis.call(s, P .. 'st:' .. h.status, id)
  if ENGAGED[h.status] and not keep_duty then
    for _, p in ipairs(ps) do redis.call(s, P .. 'duty:' .. p, id) end
  end
  local dset = DSET[h.status]
  if not dset then return end
  if add then
    local t = num(h, DFIELD[h.status])
    redis.call('ZADD', P .. dset, t, id)
    due_at(t)
  else
    redis.call('ZREM', P .. dset, id)
  end
  if h.status == 'available' then
    for _, p in ipairs(ps) do
      for _, st in ipairs(STRATS) do
        local key = P .. 'pool:' .. p .. ':' .. st
        if add then redis.call('ZADD', key, score(h, st), id) else redis.call('ZREM', key, id) end
      end
    end
  end
end

local function new_entry(csv)
  return {status = 'offline', since = now, lease = 0, wrap = 0, ring = 0, talk = 0,
          idle = 0, rr = 0, day = 0, calls = 0, misses = 0, call = '', pools = csv,
          fresh = 1}
end

-- A counsellor's hash, or, when it vanished (evicted, DEL'd) while the
-- roster still names them, a new one: offline, marked `fresh`, every trace
-- of the lost state removed from the sets (its status is unknown, so from
-- all of them). Nil only for an id the roster never had.
local function load(id)
  local raw = redis.call('HGETALL', P .. 'c:' .. id)
  if #raw > 0 then
    local h = {}
    for i = 1, #raw, 2 do h[raw[i]] = raw[i + 1] end
    return h
  end
  local csv = redis.call('HGET', P .. 'roster', id)
  if not csv then return nil end
  local h = new_entry(csv)
  for _, st in ipairs(STATUSES) do redis.call('SREM', P .. 'st:' .. st, id) end
  for _, z in pairs(DSET) do redis.call('ZREM', P .. z, id) end
  for _, p in ipairs(pools(h)) do
    redis.call('SREM', P .. 'duty:' .. p, id)
    for _, st in ipairs(STRATS) do redis.call('ZREM', P .. 'pool:' .. p .. ':' .. st, id) end
  end
  save(id, h)
  sets(id, h, true)
  redis.call('HINCRBY', P .. 'stats', 'roster_repaired', 1)
  event('repaired', id)
  return h
end

local function move(id, h, status, since)
  local keep_duty = ENGAGED[h.status] and ENGAGED[status]
  sets(id, h, false, keep_duty)
  h.status = status
  h.since = since
  h.fresh = 0
  if not (status == 'ringing' or status == 'in_call' or status == 'wrap_up') then h.call = '' end
  save(id, h)
  sets(id, h, true, keep_duty)
end

local function expired(id, h, at)
  h.lease = 0
  move(id, h, 'offline', at)
  redis.call('HINCRBY', P .. 'stats', 'leases_expired', 1)
end

-- A counsellor released by a call is available again only on a live lease.
local function free(id, h, at)
  if num(h, 'lease') > at then move(id, h, 'available', at) else expired(id, h, at) end
end

-- Applies every time-driven transition due by `now`: wrap-ups that ended,
-- rings past their deadline (both result callbacks lost: no miss counted,
-- idle time kept), calls `in_call` past `max_call` (their end was lost:
-- ended as the status callback would, counted and reported), then leases
-- that ran out. Each is found once via its sorted set, so the cost is per
-- transition, never per team member. An entry whose hash no longer says so
-- is dropped.
local function tick()
  for _, status in ipairs({'wrap_up', 'ringing', 'in_call', 'available'}) do
    local dset = P .. DSET[status]
    for _, id in ipairs(redis.call('ZRANGEBYSCORE', dset, '-inf', now)) do
      local h = load(id)
      if not h or h.status ~= status then
        redis.call('ZREM', dset, id)
      elseif status == 'available' then
        expired(id, h, num(h, 'lease'))
      elseif status == 'ringing' then
        free(id, h, num(h, 'ring'))
      else
        local t = num(h, DFIELD[status])
        if status == 'in_call' then
          if h.call ~= '' then
            redis.call('HSET', P .. 'call:' .. h.call, 'ended', '1')
            redis.call('EXPIRE', P .. 'call:' .. h.call, CALL_TTL_S)
          end
          redis.call('HINCRBY', P .. 'stats', 'calls_force_ended', 1)
          event('force_ended', id)
        end
        h.idle = t
        free(id, h, t)
      end
    end
  end
end

local function state(id, h)
  local calls = 0
  if num(h, 'day') == math.floor(now / DAY) then calls = num(h, 'calls') end
  return {id, h.status, num(h, 'since'), calls}
end

-- The roster (`roster`: id → pools) is what a lost hash is rebuilt from.
-- Registering keeps the state and puts the counsellor in every set their
-- state asks for: idempotent, it restores set entries lost (an eviction)
-- or never written (a store written by an older lotse) at every round.
local function register(id, csv)
  local h = load(id)
  redis.call('HSET', P .. 'roster', id, csv)
  if not h then
    h = new_entry(csv)
    save(id, h)
  elseif h.pools ~= csv then
    sets(id, h, false)
    h.pools = csv
    save(id, h)
  end
  sets(id, h, true)
  return h
end
