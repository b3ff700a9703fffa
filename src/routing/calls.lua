-- Second half of the routing script (concatenated after store.lua): the
-- operations driven by calls — claim, the ring/answer/end callbacks and the
-- waiting line — then the dispatcher.

local function touch(call)
  redis.call('EXPIRE', rkey(call), CALL_TTL_S)
  redis.call('EXPIRE', tkey(call), CALL_TTL_S)
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
    redis.call('HDEL', rkey(call), 'seq', 'pool')
    redis.call('HINCRBY', P .. 'stats', 'abandoned', 1)
  end
end

-- `ring_ms`: how long the ring may stay pending (ring timeout + grace);
-- past that the counsellor is freed by `tick`.
function ops.claim(call, pool, strat, ring_ms)
  local rec = rkey(call)
  local ended, rung, answered = unpack(redis.call('HMGET', rec, 'ended', 'rung', 'answered'))
  if ended == '1' then return false end
  -- A repeated claim while its ring is still pending gets the same person.
  if rung and rung ~= '' and answered ~= '1' then
    local h = get(rung)
    if h and h.status == 'ringing' and h.call == call then return rung end
  end
  local rank = redis.call('ZRANK', lkey(pool), call)
  if rank then
    if rank > 0 then return false end
  elseif redis.call('ZCARD', lkey(pool)) > 0 then
    return false
  end
  -- Only tried counsellors are skipped here (everyone in the set is free),
  -- so the walk is bounded by the attempts of this call.
  local key, from, winner = pkey(pool, strat), 0, nil
  while not winner do
    local batch = redis.call('ZRANGE', key, from, from + 31)
    if #batch == 0 then return false end
    for _, id in ipairs(batch) do
      if redis.call('SISMEMBER', tkey(call), id) == 0 then winner = id; break end
    end
    from = from + 32
  end
  local h = get(winner)
  h.rr = redis.call('HINCRBY', P .. 'seq', 'rr', 1)
  h.call = call
  h.ring = now + tonumber(ring_ms)
  move(winner, h, 'ringing', now)
  redis.call('SADD', tkey(call), winner)
  redis.call('HSET', rec, 'rung', winner)
  if rank then unline(call) end
  touch(call)
  return winner
end

function ops.answered(call, id)
  local rec = rkey(call)
  if redis.call('SISMEMBER', tkey(call), id) == 0 then return 0 end
  if redis.call('HGET', rec, 'answered') == '1' then return 0 end
  redis.call('HSET', rec, 'answered', '1')
  touch(call)
  local h = get(id)
  if not h then return 1 end
  local day = math.floor(now / DAY)
  if num(h, 'day') ~= day then h.day = day; h.calls = 0 end
  h.calls = num(h, 'calls') + 1
  h.misses = 0
  if h.status == 'ringing' and h.call == call then
    move(id, h, 'in_call', now)
  else
    -- Late (after call_ended or a ring deadline): counts, moves no one, but
    -- an available counsellor's fewest-calls score must follow the count.
    save(id, h)
    enter_sets(id, h)
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
  local h = get(id)
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
  local h = get(rung)
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
  local rec = rkey(call)
  if redis.call('HGET', rec, 'ended') == '1' then return 0 end
  local current = redis.call('HGET', P .. 'lines', call)
  if current then
    redis.call('ZADD', P .. 'seen', now, call)
    return redis.call('ZRANK', lkey(current), call) + 1
  end
  -- A caller put back in line after a claim keeps their original place.
  local seq, old = unpack(redis.call('HMGET', rec, 'seq', 'pool'))
  if not seq or seq == '' or old ~= pool then
    seq = redis.call('HINCRBY', P .. 'seq', 'line', 1)
    redis.call('HSET', rec, 'seq', seq, 'pool', pool)
  end
  join(call, pool, seq)
  touch(call)
  return redis.call('ZRANK', lkey(pool), call) + 1
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

function ops.stats()
  local out = {redis.call('HLEN', P .. 'lines')}
  for _, s in ipairs({'offline', 'available', 'away', 'ringing', 'in_call', 'wrap_up'}) do
    out[#out + 1] = tonumber(redis.call('HGET', P .. 'counts', s) or '0')
  end
  for _, c in ipairs({'leases_expired', 'auto_away', 'abandoned'}) do
    out[#out + 1] = tonumber(redis.call('HGET', P .. 'stats', c) or '0')
  end
  return out
end

tick()
prune_line()
local f = ops[op]
if not f then return redis.error_reply('lotse: unknown store operation ' .. tostring(op)) end
return f(unpack(ARGV, 4))
