-- Third part of the routing library (after store.lua and line.lua): the
-- operations, one branch each (branches, not functions: as a script, a
-- call defines only what it may run), and `main`, which runs one.

-- Counsellors one call may try; the flow's `max_attempts` stays below it.
-- It bounds every walk over a call's tried set.
local MAX_TRIED = 32

-- `args` from the 5th on are the operation's.
local function run(args)
  local a1, a2, a3, a4, a5 = args[5], args[6], args[7], args[8], args[9]
  if op == 'claim' then
    -- One hold turn: claim a counsellor, else (with `wait`) keep the
    -- caller's place in line. Replies `{'ring', id}`, `{'wait', position,
    -- on_duty}`, `{'nobody', on_duty}` (nobody on duty whom this call has
    -- not tried: waiting would be a ringing void, so the caller leaves the
    -- line), `{'none'}` (no claim, without `wait`) or `{'over'}`. The ring
    -- may stay pending `ring_ms` (ring timeout + grace); then `tick` frees
    -- the counsellor.
    local call, pool, strat, ring_ms, wait = a1, a2, a3, a4, a5
    local rec = P .. 'call:' .. call
    local ended, rung, answered, seq, old =
      unpack(redis.call('HMGET', rec, 'ended', 'rung', 'answered', 'seq', 'pool'))
    -- A call answered or over claims nobody: a late or replayed step must
    -- neither ring a second counsellor nor put the caller back in line.
    if ended == '1' or answered == '1' then return {'over'} end
    -- A repeated claim while its ring is still pending gets the same person.
    if rung and rung ~= '' then
      local h = load(rung)
      if h and h.status == 'ringing' and h.call == call then return {'ring', rung} end
    end
    local duty = P .. 'duty:' .. pool
    local on_duty = redis.call('SCARD', duty)
    if on_duty == 0 then
      if wait ~= '1' then return {'none'} end
      redis.call('HDEL', rec, 'seq', 'pool')
      unline(call)
      return {'nobody', 0}
    end
    local list = redis.call('SMEMBERS', P .. 'tried:' .. call)
    local tried = {}
    for _, id in ipairs(list) do tried[id] = true end
    -- The caller counts at their place in line, or at their arrival
    -- number if they have one (kept while a ring is pending: they would
    -- rejoin there), else behind everyone waiting.
    local line = P .. 'line:' .. pool
    local rank = redis.call('ZRANK', line, call)
    local below = '+inf'
    if seq and seq ~= '' and old == pool then below = '(' .. seq end
    local ahead = rank or redis.call('ZCOUNT', line, '-inf', below)
    local winner, h
    if #list < MAX_TRIED then winner, h = choose(pool, strat, tried, #list, ahead, below) end
    if winner then
      h.rr = redis.call('HINCRBY', P .. 'seq', 'rr', 1)
      h.call = call
      h.ring = now + tonumber(ring_ms)
      move(winner, h, 'ringing', now)
      unline(call)
      redis.call('SADD', P .. 'tried:' .. call, winner)
      redis.call('HSET', rec, 'rung', winner)
      touch(call)
      return {'ring', winner}
    end
    if wait ~= '1' then return {'none'} end
    local left = on_duty
    for _, id in ipairs(list) do left = left - redis.call('SISMEMBER', duty, id) end
    if left <= 0 then
      redis.call('HDEL', rec, 'seq', 'pool')
      unline(call)
      return {'nobody', on_duty}
    end
    if rank then
      seen(call)
      return {'wait', rank + 1, on_duty}
    end
    return {'wait', enqueue(call, pool), on_duty}

  elseif op == 'answered' then
    local call, id = a1, a2
    if redis.call('SISMEMBER', P .. 'tried:' .. call, id) == 0 then return 0 end
    local rec = P .. 'call:' .. call
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
    -- deadline freed them, but they are talking to this caller. Holding
    -- them keeps them from being offered a second call.
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

  elseif op == 'ring_failed' then
    local call, id, max_no_answer = a1, a2, a3
    local rec = P .. 'call:' .. call
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

  elseif op == 'call_ended' then
    local call, wrap_ms = a1, a2
    local rec = P .. 'call:' .. call
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

  elseif op == 'enqueue' then
    if redis.call('HGET', P .. 'call:' .. a1, 'ended') == '1' then return 0 end
    return enqueue(a1, a2)

  elseif op == 'position' then
    local pool = redis.call('HGET', P .. 'lines', a1)
    if not pool then return 0 end
    return redis.call('ZRANK', P .. 'line:' .. pool, a1) + 1

  elseif op == 'leave' then
    redis.call('HDEL', P .. 'call:' .. a1, 'seq', 'pool')
    if not unline(a1) then return 0 end
    if a2 == '1' then redis.call('HINCRBY', P .. 'stats', 'abandoned', 1) end
    return 1

  elseif op == 'register' then
    return state(a1, register(a1, a2))

  elseif op == 'register_many' then
    -- Pairs of id and pools: the whole team in a few calls.
    local n = 0
    for i = 5, #args, 2 do
      register(args[i], args[i + 1])
      n = n + 1
    end
    return n

  elseif op == 'set_status' then
    local id, presence, ttl = a1, a2, a3
    local h = load(id)
    if not h then return {} end
    if presence == 'available' then
      h.lease = now + tonumber(ttl)
      if ENGAGED[h.status] then
        save(id, h)
        if h.status == 'available' then
          redis.call('ZADD', P .. 'leases', h.lease, id)
          due_at(h.lease)
        end
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

  elseif op == 'heartbeat' then
    -- Renews the lease of a counsellor on duty. It never brings back
    -- someone whose lease ran out or who chose offline/away; but a `fresh`
    -- entry (the store lost or never had their state, and the page only
    -- beats while its counsellor is on duty) is made available: the store,
    -- not the counsellor, forgot.
    -- `restore` = '0' from a page that last saw its counsellor in a call:
    -- they may still be talking, so a fresh entry stays offline.
    local id, ttl, restore = a1, a2, a3
    local h = load(id)
    if not h then return {} end
    if ENGAGED[h.status] then
      h.lease = now + tonumber(ttl)
      save(id, h)
      if h.status == 'available' then
        redis.call('ZADD', P .. 'leases', h.lease, id)
        due_at(h.lease)
      end
    elseif h.status == 'offline' and num(h, 'fresh') == 1 and restore ~= '0' then
      h.lease = now + tonumber(ttl)
      h.idle = now
      h.misses = 0
      move(id, h, 'available', now)
    end
    return state(id, h)

  elseif op == 'states' then
    local out = {}
    for i = 5, #args do
      local h = load(args[i])
      if h then for _, v in ipairs(state(args[i], h)) do out[#out + 1] = v end end
    end
    return out

  elseif op == 'stats' then
    local out = {redis.call('HLEN', P .. 'lines')}
    for _, s in ipairs(STATUSES) do out[#out + 1] = redis.call('SCARD', P .. 'st:' .. s) end
    for _, c in ipairs({'leases_expired', 'auto_away', 'abandoned', 'calls_force_ended',
                        'roster_repaired'}) do
      out[#out + 1] = tonumber(redis.call('HGET', P .. 'stats', c) or '0')
    end
    return out

  elseif op == 'take_events' then
    -- What the store did on its own since the last call (`kind:id`, oldest
    -- first, at most EVENTS_KEPT), for one instance to log.
    local out = redis.call('LRANGE', P .. 'events', 0, -1)
    redis.call('DEL', P .. 'events')
    return out
  end
  return redis.error_reply('lotse: unknown store operation ' .. tostring(op))
end

local function main(keys, args)
  P = keys[1]
  op = args[1]
  now = tonumber(args[2])
  stale_after = tonumber(args[3])
  max_call = tonumber(args[4])
  guard0 = tonumber(redis.call('GET', P .. 'due') or '0') or 0
  guard = guard0
  if now >= guard then look() end
  local out = run(args)
  if guard ~= guard0 then redis.call('SET', P .. 'due', guard) end
  return out
end
