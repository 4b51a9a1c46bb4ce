--[[ updatePolicy-3: merge fields into a group's stored policy.

KEYS[1] stream
KEYS[2] policy hash of the stream
KEYS[3] reap registry of the stream's slot (keys.reapRegistry)
ARGV[1] group, ARGV[2] JSON of the default policy (for a group without one), ARGV[3] JSON of the changes

Returns the JSON of the new policy
Errors: NOSTREAM, WRONGTYPE, NOGROUP, BADPOLICY (the merged reapIdleMs does not fit the merged
leaseMs, or the merged minBackoffMs exceeds the merged maxBackoffMs)
A stored policy that cannot be read counts as the defaults (field by field, as sg_policy).
]]
sg_stream(KEYS[1])
sg_group(KEYS[1], ARGV[1])
-- The stored policy as every script reads it (sg_policy): an unreadable one, or an
-- unreadable field, is the default, so a PATCH over a hand-edited policy repairs it.
local d = cjson.decode(ARGV[2])
local lease, max, dlq, reap, _, min_backoff, max_backoff = sg_policy(KEYS[2], ARGV[1], d.leaseMs, d.maxDeliveries, d.deadLetterStream)
local policy = d
local raw = redis.call('HGET', KEYS[2], ARGV[1])
if raw then
  -- The stored object (other fields kept), its four fields as sg_policy read them.
  local ok, stored = pcall(cjson.decode, raw)
  policy = (ok and type(stored) == 'table' and #stored == 0) and stored or {}
  policy.leaseMs, policy.maxDeliveries, policy.deadLetterStream = lease, max, dlq
  if policy.reapIdleMs ~= nil or reap > 0 then policy.reapIdleMs = reap end
  if policy.minBackoffMs ~= nil or min_backoff > 0 then policy.minBackoffMs = min_backoff end
  if policy.maxBackoffMs ~= nil or max_backoff > 0 then policy.maxBackoffMs = max_backoff end
end
for k, v in pairs(cjson.decode(ARGV[3])) do policy[k] = v end
reap = tonumber(policy.reapIdleMs) or 0
-- Each field was checked on its own by the caller; the pair needs the stored half.
sg_check_reap(tonumber(policy.leaseMs), reap)
sg_check_backoff(tonumber(policy.minBackoffMs) or 0, tonumber(policy.maxBackoffMs) or 0)
local encoded = cjson.encode(policy)
redis.call('HSET', KEYS[2], ARGV[1], encoded)
-- Registered with the policy, atomically. Unregistering is the reaper's (reapGroups-3),
-- which checks every group of the stream in the same step.
if reap > 0 then redis.call('SADD', KEYS[3], KEYS[1]) end
return encoded
