-- lotse routing store: every operation is one call of this script (this
-- file, then line.lua, then calls.lua), so each is atomic on the Redis
-- server. KEYS[1] is the hotline's key prefix, which carries the hash tag
-- (`lotse:{hotline}:`); every key below is that prefix plus a suffix, so all
-- of them live in one cluster slot.
-- ARGV[1] = operation, ARGV[2] = now (epoch ms), ARGV[3] = how long a place
-- in line lasts without a fresh `enqueue` (ms), ARGV[4] = how long a call
-- may stay `in_call` before the store ends it (ms), then operation arguments.
-- src/routing/memory/ mirrors these files rule for rule; change both together.
--
-- Cost: no operation reads the team or the line. Who is on duty is a set
-- per pool kept as states change; every time-driven change is found once
-- through a sorted set by its deadline. An operation costs a constant
-- number of commands plus one small constant per transition it applies.
local P = KEYS[1]
local op = ARGV[1]
local now = tonumber(ARGV[2])
local stale_after = tonumber(ARGV[3])
local max_call = tonumber(ARGV[4])
local DAY = 86400000
local CALL_TTL_S = 86400
local EVENTS_KEPT = 64
local STRATS = {'longest-idle', 'round-robin', 'fewest-calls'}
local STATUSES = {'offline', 'available', 'away', 'ringing', 'in_call', 'wrap_up'}
local ENGAGED = {available = true, ringing = true, in_call = true, wrap_up = true}
-- The held statuses end at a deadline: the sorted set and the hash field.
local DEADLINE = {ringing = {'rings', 'ring'}, wrap_up = {'wraps', 'wrap'},
                  in_call = {'talks', 'talk'}}

local function ckey(id) return P .. 'c:' .. id end
local function rkey(call) return P .. 'call:' .. call end
local function tkey(call) return P .. 'tried:' .. call end
local function lkey(pool) return P .. 'line:' .. pool end
local function pkey(pool, strat) return P .. 'pool:' .. pool .. ':' .. strat end
local function skey(status) return P .. 'st:' .. status end
local function dkey(pool) return P .. 'duty:' .. pool end
local function num(h, f) return tonumber(h[f] or '0') or 0 end

local function pools(h)
  local out = {}
  for p in string.gmatch(h.pools or '', '[^,]+') do out[#out + 1] = p end
  return out
end

local function save(id, h)
  local flat = {}
  for k, v in pairs(h) do flat[#flat + 1] = k; flat[#flat + 1] = v end
  redis.call('HSET', ckey(id), unpack(flat))
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
-- `duty:<pool>` the engaged members of each pool; the sorted sets hold the
-- available (leases, pools) and the held by their deadline (rings, wraps,
-- talks). `sets` adds (`add` true) or removes one counsellor as `h` says.
local function sets(id, h, add)
  local z = add and 'ZADD' or 'ZREM'
  local s = add and 'SADD' or 'SREM'
  local function zset(key, sc)
    if add then redis.call(z, key, sc, id) else redis.call(z, key, id) end
  end
  local ps = pools(h)
  redis.call(s, skey(h.status), id)
  if ENGAGED[h.status] then
    for _, p in ipairs(ps) do redis.call(s, dkey(p), id) end
  end
  if h.status == 'available' then
    zset(P .. 'leases', num(h, 'lease'))
    for _, p in ipairs(ps) do
      for _, st in ipairs(STRATS) do zset(pkey(p, st), score(h, st)) end
    end
  elseif DEADLINE[h.status] then
    local d = DEADLINE[h.status]
    zset(P .. d[1], num(h, d[2]))
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
  local raw = redis.call('HGETALL', ckey(id))
  if #raw > 0 then
    local h = {}
    for i = 1, #raw, 2 do h[raw[i]] = raw[i + 1] end
    return h
  end
  local csv = redis.call('HGET', P .. 'roster', id)
  if not csv then return nil end
  local h = new_entry(csv)
  for _, st in ipairs(STATUSES) do redis.call('SREM', skey(st), id) end
  for _, z in ipairs({'leases', 'rings', 'wraps', 'talks'}) do redis.call('ZREM', P .. z, id) end
  for _, p in ipairs(pools(h)) do
    redis.call('SREM', dkey(p), id)
    for _, st in ipairs(STRATS) do redis.call('ZREM', pkey(p, st), id) end
  end
  save(id, h)
  sets(id, h, true)
  redis.call('HINCRBY', P .. 'stats', 'roster_repaired', 1)
  event('repaired', id)
  return h
end

local function move(id, h, status, since)
  sets(id, h, false)
  h.status = status
  h.since = since
  h.fresh = 0
  if not DEADLINE[status] then h.call = '' end
  save(id, h)
  sets(id, h, true)
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

-- A call `in_call` past its deadline lost its status callback (the
-- instance died, the write never reached us): end it as that callback
-- would, freeing the counsellor at the deadline.
local function force_end(id, h)
  local t = num(h, 'talk')
  if h.call ~= '' then
    redis.call('HSET', rkey(h.call), 'ended', '1')
    redis.call('EXPIRE', rkey(h.call), CALL_TTL_S)
  end
  h.idle = t
  free(id, h, t)
  redis.call('HINCRBY', P .. 'stats', 'calls_force_ended', 1)
  event('force_ended', id)
end

-- Apply every time-driven transition due by `now`: wrap-ups that ended,
-- rings past their deadline (both result callbacks lost: no miss counted,
-- idle time kept), calls past `max_call`, then leases that ran out. Each is
-- found once via a sorted set, so the cost is per transition, never per
-- team member. An entry whose hash no longer says so is dropped.
local function due(set, status, apply)
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. set, '-inf', now)) do
    local h = load(id)
    if h and h.status == status then apply(id, h) else redis.call('ZREM', P .. set, id) end
  end
end

local function tick()
  due('wraps', 'wrap_up', function(id, h)
    local t = num(h, 'wrap')
    h.idle = t
    free(id, h, t)
  end)
  due('rings', 'ringing', function(id, h) free(id, h, num(h, 'ring')) end)
  due('talks', 'in_call', force_end)
  due('leases', 'available', function(id, h) expired(id, h, num(h, 'lease')) end)
end

local function state(id, h)
  local calls = 0
  if num(h, 'day') == math.floor(now / DAY) then calls = num(h, 'calls') end
  return {id, h.status, num(h, 'since'), calls}
end

local ops = {}

-- The roster (`roster`: id → pools) is what a lost hash is rebuilt from.
-- Registering keeps the state and puts the counsellor in every set their
-- state asks for.
local function register(id, csv)
  local h = load(id)
  redis.call('HSET', P .. 'roster', id, csv)
  if not h then
    h = new_entry(csv)
    save(id, h)
    sets(id, h, true)
  elseif h.pools ~= csv then
    sets(id, h, false)
    h.pools = csv
    save(id, h)
    sets(id, h, true)
  else
    -- Idempotent: restores set entries lost (an eviction) or never written
    -- (a store written by an older lotse), at every roster round.
    sets(id, h, true)
  end
  return h
end

function ops.register(id, csv)
  return state(id, register(id, csv))
end

-- Pairs of id and pools: the whole team in a few calls.
function ops.register_many(...)
  local args = {...}
  for i = 1, #args, 2 do register(args[i], args[i + 1]) end
  return #args / 2
end

function ops.set_status(id, presence, ttl)
  local h = load(id)
  if not h then return {} end
  if presence == 'available' then
    h.lease = now + tonumber(ttl)
    if ENGAGED[h.status] then
      save(id, h)
      if h.status == 'available' then redis.call('ZADD', P .. 'leases', h.lease, id) end
    else
      h.idle = now
      h.misses = 0
      move(id, h, 'available', now)
    end
  elseif h.status ~= presence then
    h.lease = 0
    move(id, h, presence, now)
  elseif num(h, 'fresh') == 1 then
    h.fresh = 0
    save(id, h)
  end
  return state(id, h)
end

-- Renews the lease of a counsellor on duty. It never brings back someone
-- whose lease ran out or who chose offline/away; but a `fresh` entry (the
-- store lost or never had their state, and the page only beats while its
-- counsellor is on duty) is made available: the store, not the
-- counsellor, forgot.
function ops.heartbeat(id, ttl)
  local h = load(id)
  if not h then return {} end
  if ENGAGED[h.status] then
    h.lease = now + tonumber(ttl)
    save(id, h)
    if h.status == 'available' then redis.call('ZADD', P .. 'leases', h.lease, id) end
  elseif h.status == 'offline' and num(h, 'fresh') == 1 then
    h.lease = now + tonumber(ttl)
    h.idle = now
    h.misses = 0
    move(id, h, 'available', now)
  end
  return state(id, h)
end

function ops.states(...)
  local out = {}
  for _, id in ipairs({...}) do
    local h = load(id)
    if h then for _, v in ipairs(state(id, h)) do out[#out + 1] = v end end
  end
  return out
end
