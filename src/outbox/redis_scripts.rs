//! The Lua scripts of the Redis queue: each makes one step atomic across
//! every `lotse` instance sharing the store.

/// Accepts a recording once (`SET NX` on its seen key), moving a remembered
/// number (with consent) out of its join key into the new stream entry.
/// KEYS: seen, stream, caller. ARGV: job JSON, seen TTL, join ("1"/"0").
pub const ENQUEUE: &str = r"
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then return 0 end
local number = ''
if ARGV[3] == '1' then number = redis.call('GET', KEYS[3]) or '' end
redis.call('DEL', KEYS[3])
redis.call('XADD', KEYS[2], '*', 'job', ARGV[1], 'number', number)
return 1";

/// Moves due retries into the stream, then takes a job a silent worker
/// held too long (`XAUTOCLAIM`), else a new one (`XREADGROUP`); returns
/// `[id, field, value, …]` or an empty list.
/// KEYS: stream, retry. ARGV: group, consumer, claim idle ms, now ms.
pub const NEXT: &str = r"
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
if got then return got end
local fresh = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1, 'STREAMS', KEYS[1], '>')
if fresh then got = pick(fresh[1][2]) end
return got or {}";
