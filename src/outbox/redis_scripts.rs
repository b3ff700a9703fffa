//! The Lua scripts of the Redis queue: each makes one step atomic across
//! every `lotse` instance sharing the store.

/// Accepts a recording once (`SET NX` on its seen key; never again once
/// its done key says it was delivered), moving a remembered number (with
/// consent) out of its join key into the new stream entry. Returns
/// `{1, number}` (number `''` if none) or `{0, ''}` for a duplicate.
/// KEYS: seen, stream, caller, done. ARGV: job JSON, seen TTL, join ("1"/"0").
pub const ENQUEUE: &str = r"
if redis.call('EXISTS', KEYS[4]) == 1 then return {0, ''} end
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then return {0, ''} end
local number = ''
if ARGV[3] == '1' then number = redis.call('GET', KEYS[3]) or '' end
redis.call('DEL', KEYS[3])
redis.call('XADD', KEYS[2], '*', 'job', ARGV[1], 'number', number)
return {1, number}";

/// Recreates the consumer group (and the stream) if the store lost them —
/// `FLUSHALL`, a restart without data, a failover to a replica without
/// them — then moves due retries into the stream, then takes a job a
/// silent worker held too long (`XAUTOCLAIM`), else a new one
/// (`XREADGROUP`). Returns `[repaired, id, field, value, …]` or just
/// `[repaired]`; `repaired` is `'1'` when the group had to be recreated.
/// KEYS: stream, retry. ARGV: group, consumer, claim idle ms, now ms.
pub const NEXT: &str = r"
local made = redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
local repaired = '1'
if type(made) == 'table' and made.err then
  if string.sub(made.err, 1, 9) ~= 'BUSYGROUP' then return redis.error_reply(made.err) end
  repaired = '0'
end
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[4], 'LIMIT', 0, 10)
for _, m in ipairs(due) do
  redis.call('XADD', KEYS[1], '*', 'job', m, 'number', '')
  redis.call('ZREM', KEYS[2], m)
end
local function pick(entries)
  for _, e in ipairs(entries or {}) do
    if e and e[2] then
      local out = {e[1]}
      for i = 1, #e[2] do out[#out + 1] = e[2][i] end
      return out
    end
  end
  return nil
end
local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', 10)
local got = pick(claimed[2])
if not got then
  local fresh = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1, 'STREAMS', KEYS[1], '>')
  if fresh then got = pick(fresh[1][2]) end
end
local out = {repaired}
for _, v in ipairs(got or {}) do out[#out + 1] = v end
return out";
