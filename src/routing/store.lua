-- lotse routing store: every operation is one call of this script, so each
-- is atomic on the Redis server. KEYS[1] is the hotline's key prefix, which
-- carries the hash tag (`lotse:{hotline}:`); every key below is that prefix
-- plus a suffix, so all of them live in one cluster slot.
-- ARGV[1] = operation, ARGV[2] = now (epoch ms), ARGV[3] = how long a place
-- in line lasts without a fresh `enqueue` (ms), then operation arguments.
-- src/routing/memory/ mirrors this file rule for rule; change both together.
local P = KEYS[1]
local op = ARGV[1]
local now = tonumber(ARGV[2])
local stale_after = tonumber(ARGV[3])
local DAY = 86400000
local CALL_TTL_S = 86400
local STRATS = {'longest-idle', 'round-robin', 'fewest-calls'}

local function ckey(id) return P .. 'c:' .. id end
local function rkey(call) return P .. 'call:' .. call end
local function tkey(call) return P .. 'tried:' .. call end
local function lkey(pool) return P .. 'line:' .. pool end
local function pkey(pool, strat) return P .. 'pool:' .. pool .. ':' .. strat end
local function num(h, f) return tonumber(h[f] or '0') or 0 end

local function get(id)
  local raw = redis.call('HGETALL', ckey(id))
  if #raw == 0 then return nil end
  local h = {}
  for i = 1, #raw, 2 do h[raw[i]] = raw[i + 1] end
  return h
end

local function save(id, h)
  local flat = {}
  for k, v in pairs(h) do flat[#flat + 1] = k; flat[#flat + 1] = v end
  redis.call('HSET', ckey(id), unpack(flat))
end

local function pools(h)
  local out = {}
  for p in string.gmatch(h.pools or '', '[^,]+') do out[#out + 1] = p end
  return out
end

local function score(h, strat)
  if strat == 'longest-idle' then return num(h, 'idle') end
  if strat == 'round-robin' then return num(h, 'rr') end
  return num(h, 'day') * 1000000 + num(h, 'calls')
end

-- The sorted sets hold exactly the available counsellors (leases, pools),
-- those ringing (rings) and those in wrap-up (wraps); these two functions
-- keep that true.
local function leave_sets(id, h)
  if h.status == 'available' then
    redis.call('ZREM', P .. 'leases', id)
    for _, p in ipairs(pools(h)) do
      for _, s in ipairs(STRATS) do redis.call('ZREM', pkey(p, s), id) end
    end
  elseif h.status == 'ringing' then
    redis.call('ZREM', P .. 'rings', id)
  elseif h.status == 'wrap_up' then
    redis.call('ZREM', P .. 'wraps', id)
  end
end

local function enter_sets(id, h)
  if h.status == 'available' then
    redis.call('ZADD', P .. 'leases', num(h, 'lease'), id)
    for _, p in ipairs(pools(h)) do
      for _, s in ipairs(STRATS) do redis.call('ZADD', pkey(p, s), score(h, s), id) end
    end
  elseif h.status == 'ringing' then
    redis.call('ZADD', P .. 'rings', num(h, 'ring'), id)
  elseif h.status == 'wrap_up' then
    redis.call('ZADD', P .. 'wraps', num(h, 'wrap'), id)
  end
end

local function move(id, h, status, since)
  leave_sets(id, h)
  redis.call('HINCRBY', P .. 'counts', h.status, -1)
  h.status = status
  h.since = since
  if status ~= 'ringing' and status ~= 'in_call' and status ~= 'wrap_up' then h.call = '' end
  save(id, h)
  redis.call('HINCRBY', P .. 'counts', status, 1)
  enter_sets(id, h)
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

-- Apply every time-driven transition due by `now`: wrap-ups that ended,
-- rings past their deadline (both result callbacks lost: no miss counted,
-- idle time kept), then leases that ran out. Each is found once via a
-- sorted set, so the cost is per transition, never per team member.
local function tick()
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'wraps', '-inf', now)) do
    local h = get(id)
    local t = num(h, 'wrap')
    h.idle = t
    free(id, h, t)
  end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'rings', '-inf', now)) do
    local h = get(id)
    free(id, h, num(h, 'ring'))
  end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'leases', '-inf', now)) do
    local h = get(id)
    expired(id, h, num(h, 'lease'))
  end
end

local function state(id, h)
  local calls = 0
  if num(h, 'day') == math.floor(now / DAY) then calls = num(h, 'calls') end
  return {id, h.status, num(h, 'since'), calls}
end

-- A place in line is in three structures: its pool's line, `lines` (call →
-- pool) and `seen` (call → last `enqueue`); `join` and `unline` keep them
-- together.
local function join(call, pool, seq)
  redis.call('ZADD', lkey(pool), seq, call)
  redis.call('HSET', P .. 'lines', call, pool)
  redis.call('ZADD', P .. 'seen', now, call)
end

local function requeue(call, rec)
  local seq, pool = unpack(redis.call('HMGET', rec, 'seq', 'pool'))
  if seq and seq ~= '' and pool then join(call, pool, seq) end
end

local function unline(call)
  local pool = redis.call('HGET', P .. 'lines', call)
  if not pool then return false end
  redis.call('ZREM', lkey(pool), call)
  redis.call('HDEL', P .. 'lines', call)
  redis.call('ZREM', P .. 'seen', call)
  return true
end

local ops = {}

function ops.register(id, csv)
  local h = get(id)
  if not h then
    h = {status = 'offline', since = now, lease = 0, wrap = 0, ring = 0, idle = 0, rr = 0,
         day = 0, calls = 0, misses = 0, call = '', pools = csv}
    save(id, h)
    redis.call('HINCRBY', P .. 'counts', 'offline', 1)
  else
    leave_sets(id, h)
    h.pools = csv
    save(id, h)
    enter_sets(id, h)
  end
  return state(id, h)
end

local ENGAGED = {available = true, ringing = true, in_call = true, wrap_up = true}

function ops.set_status(id, presence, ttl)
  local h = get(id)
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
  end
  return state(id, h)
end

function ops.heartbeat(id, ttl)
  local h = get(id)
  if not h then return {} end
  if ENGAGED[h.status] then
    h.lease = now + tonumber(ttl)
    save(id, h)
    if h.status == 'available' then redis.call('ZADD', P .. 'leases', h.lease, id) end
  end
  return state(id, h)
end

function ops.states(...)
  local out = {}
  for _, id in ipairs({...}) do
    local h = get(id)
    if h then for _, v in ipairs(state(id, h)) do out[#out + 1] = v end end
  end
  return out
end
