-- Third part of the routing script (after store.lua and line.lua): the
-- operations driven by calls — claim or wait, the ring/answer/end
-- callbacks, the line's own operations, counters — then the dispatcher.

-- Counsellors one call may try; the flow's `max_attempts` stays below it.
-- It bounds every walk over a call's tried set.
local MAX_TRIED = 32

-- One hold turn: claim a counsellor, else (with `wait`) keep the caller's
-- place in line. Replies `{'ring', id}`, `{'wait', position, on_duty}`,
-- `{'nobody', on_duty}` (no one on duty who has not been tried: waiting
-- would be a ringing void, so the caller leaves the line), `{'none'}`
-- (no claim, without `wait`) or `{'over'}`.
-- `ring_ms`: how long the ring may stay pending (ring timeout + grace);
-- past that the counsellor is freed by `tick`.
function ops.claim(call, pool, strat, ring_ms, wait)
  local rec = rkey(call)
  local ended, rung, answered = unpack(redis.call('HMGET', rec, 'ended', 'rung', 'answered'))
  -- A call answered or over claims nobody: a late or replayed step must
  -- neither ring a second counsellor nor put the caller back in line.
  if ended == '1' or answered == '1' then return {'over'} end
  -- A repeated claim while its ring is still pending gets the same person.
  if rung and rung ~= '' then
    local h = load(rung)
    if h and h.status == 'ringing' and h.call == call then return {'ring', rung} end
  end
  local list = redis.call('SMEMBERS', tkey(call))
  local tried = {}
  for _, id in ipairs(list) do tried[id] = true end
  local winner, h
  if #list < MAX_TRIED then winner, h = choose(call, pool, strat, tried, #list) end
  if winner then
    h.rr = redis.call('HINCRBY', P .. 'seq', 'rr', 1)
    h.call = call
    h.ring = now + tonumber(ring_ms)
    move(winner, h, 'ringing', now)
    unline(call)
    redis.call('SADD', tkey(call), winner)
    redis.call('HSET', rec, 'rung', winner)
    touch(call)
    return {'ring', winner}
  end
  if wait ~= '1' then return {'none'} end
  local duty = redis.call('SCARD', dkey(pool))
  local left = duty
  for _, id in ipairs(list) do left = left - redis.call('SISMEMBER', dkey(pool), id) end
  if left <= 0 then
    redis.call('HDEL', rec, 'seq', 'pool')
    unline(call)
    return {'nobody', duty}
  end
  return {'wait', enqueue(call, pool), duty}
end

function ops.answered(call, id)
  if redis.call('SISMEMBER', tkey(call), id) == 0 then return 0 end
  local rec = rkey(call)
  local answered, ended, rung = unpack(redis.call('HMGET', rec, 'answered', 'ended', 'rung'))
  if answered == '1' then return 0 end
  redis.call('HSET', rec, 'answered', '1')
  touch(call)
  local h = load(id)
  if not h then return 1 end
  local day = math.floor(now / DAY)
  if num(h, 'day') ~= day then h.day = day; h.calls = 0 end
  h.calls = num(h, 'calls') + 1
  h.misses = 0
  local ringing = h.status == 'ringing' and h.call == call
  -- Late (replayed after an outage) while the call goes on: the ring
  -- deadline freed them, but they are talking to this caller. Holding them
  -- keeps them from being offered a second call.
  local late = ended ~= '1' and rung == id and h.status == 'available'
  if ringing or late then
    h.call = call
    h.talk = now + max_call
    move(id, h, 'in_call', now)
  else
    -- After the call ended: counts, moves no one, but an available
    -- counsellor's fewest-calls score must follow the count.
    save(id, h)
    sets(id, h, true)
  end
  return 1
end

function ops.ring_failed(call, id, max_no_answer)
  local rec = rkey(call)
  local rung, answered, ended = unpack(redis.call('HMGET', rec, 'rung', 'answered', 'ended'))
  -- Whether this counsellor took this call (the whisper's key press was
  -- recorded): then a "not bridged" result is no miss, they talked.
  local took = (answered == '1' and rung == id) and 1 or 0
  if rung == id and answered ~= '1' then
    redis.call('HSET', rec, 'rung', '')
    if ended ~= '1' then requeue(call, rec) end
  end
  local h = load(id)
  if not h then return {0, 0, 0, took} end
  if h.status ~= 'ringing' or h.call ~= call then return {0, num(h, 'misses'), 0, took} end
  h.misses = num(h, 'misses') + 1
  local max = tonumber(max_no_answer)
  if max > 0 and h.misses >= max then
    h.lease = 0
    move(id, h, 'away', now)
    redis.call('HINCRBY', P .. 'stats', 'auto_away', 1)
    return {1, h.misses, 1, took}
  end
  free(id, h, now)
  return {1, h.misses, 0, took}
end

function ops.call_ended(call, wrap_ms)
  local rec = rkey(call)
  if redis.call('HGET', rec, 'ended') == '1' then return 0 end
  redis.call('HSET', rec, 'ended', '1')
  touch(call)
  if unline(call) then redis.call('HINCRBY', P .. 'stats', 'abandoned', 1) end
  local rung = redis.call('HGET', rec, 'rung')
  if not rung or rung == '' then return 1 end
  local h = load(rung)
  if not h or h.call ~= call then return 1 end
  if h.status == 'in_call' then
    h.wrap = now + tonumber(wrap_ms)
    move(rung, h, 'wrap_up', now)
  elseif h.status == 'ringing' then
    free(rung, h, now)
  end
  return 1
end

function ops.enqueue(call, pool)
  if redis.call('HGET', rkey(call), 'ended') == '1' then return 0 end
  return enqueue(call, pool)
end

function ops.position(call)
  local pool = redis.call('HGET', P .. 'lines', call)
  if not pool then return 0 end
  return redis.call('ZRANK', lkey(pool), call) + 1
end

function ops.leave(call, abandoned)
  redis.call('HDEL', rkey(call), 'seq', 'pool')
  if not unline(call) then return 0 end
  if abandoned == '1' then redis.call('HINCRBY', P .. 'stats', 'abandoned', 1) end
  return 1
end

local COUNTERS = {'leases_expired', 'auto_away', 'abandoned', 'calls_force_ended',
                  'roster_repaired'}

function ops.stats()
  local out = {redis.call('HLEN', P .. 'lines')}
  for _, s in ipairs(STATUSES) do out[#out + 1] = redis.call('SCARD', skey(s)) end
  for _, c in ipairs(COUNTERS) do
    out[#out + 1] = tonumber(redis.call('HGET', P .. 'stats', c) or '0')
  end
  return out
end

-- What the store did on its own since the last call (`kind:id`, oldest
-- first, at most EVENTS_KEPT), for one instance to log.
function ops.take_events()
  local out = redis.call('LRANGE', P .. 'events', 0, -1)
  redis.call('DEL', P .. 'events')
  return out
end

tick()
prune_line()
local f = ops[op]
if not f then return redis.error_reply('lotse: unknown store operation ' .. tostring(op)) end
return f(unpack(ARGV, 5))
