-- lotse's small shared records (src/kv): one call of this script per
-- operation, so each is atomic. KEYS[1] is the hotline's key prefix (with its
-- cluster hash tag); every key is that prefix + 'kv:' + a name, so all live
-- in the prefix's slot. ARGV[1] = operation, ARGV[2] = now (epoch ms), then
-- the operation's arguments. src/kv/memory.rs mirrors it rule for rule.
local P = KEYS[1]
local op = ARGV[1]
local now = tonumber(ARGV[2])
local function k(name) return P .. 'kv:' .. name end

-- A table is a hash (id → value) and a sorted set (id → until, ms). Entries
-- past their `until` are dropped before every table operation; the cost is
-- per dropped entry.
local function tkeys(name) return k('t:' .. name), k('t:' .. name .. ':until') end
local function prune(h, z)
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', z, '-inf', now)) do
    redis.call('HDEL', h, id)
  end
  redis.call('ZREMRANGEBYSCORE', z, '-inf', now)
end

if op == 'once' then -- name, ttl_ms
  local ok = redis.call('SET', k(ARGV[3]), '1', 'NX', 'PX', ARGV[4])
  if ok then return 1 end
  return 0
elseif op == 'hit' then -- name, window_ms
  local key = k(ARGV[3])
  local n = redis.call('INCR', key)
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, ARGV[4]) end
  return n
elseif op == 'count' then -- name
  return tonumber(redis.call('GET', k(ARGV[3])) or '0') or 0
elseif op == 'put' then -- name, value, ttl_ms
  redis.call('SET', k(ARGV[3]), ARGV[4], 'PX', ARGV[5])
  return 1
elseif op == 'get' then -- name
  return redis.call('GET', k(ARGV[3]))
elseif op == 'remove' then -- name
  return redis.call('DEL', k(ARGV[3]))
elseif op == 'tput' then -- table, id, value, until_ms, cap
  local h, z = tkeys(ARGV[3])
  prune(h, z)
  local id = ARGV[4]
  if redis.call('HEXISTS', h, id) == 0 and redis.call('HLEN', h) >= tonumber(ARGV[7]) then
    return 0
  end
  redis.call('HSET', h, id, ARGV[5])
  redis.call('ZADD', z, ARGV[6], id)
  return 1
elseif op == 'tget' then -- table, id
  local h, z = tkeys(ARGV[3])
  prune(h, z)
  local v = redis.call('HGET', h, ARGV[4])
  if not v then return {} end
  return {ARGV[4], v, redis.call('ZSCORE', z, ARGV[4])}
elseif op == 'tlist' then -- table
  local h, z = tkeys(ARGV[3])
  prune(h, z)
  local out = {}
  local raw = redis.call('HGETALL', h)
  for i = 1, #raw, 2 do
    out[#out + 1] = raw[i]
    out[#out + 1] = raw[i + 1]
    out[#out + 1] = redis.call('ZSCORE', z, raw[i])
  end
  return out
elseif op == 'tremove' then -- table, id
  local h, z = tkeys(ARGV[3])
  prune(h, z)
  redis.call('ZREM', z, ARGV[4])
  return redis.call('HDEL', h, ARGV[4])
end
return redis.error_reply('lotse: unknown kv operation ' .. tostring(op))
