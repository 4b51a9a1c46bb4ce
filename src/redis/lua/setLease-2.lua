--[[ setLease-2: extend or release the leases of a consumer's own pending entries.
Extend resets the idle clock (XCLAIM IDLE 0). Release (nack) sets it to leaseMs - delayMs,
so the entry becomes eligible for redelivery after delayMs. JUSTID keeps the delivery
count unchanged. Entries owned by another consumer are left alone (ownership is checked
and changed in one atomic step).

KEYS[1] stream
KEYS[2] policy hash of the stream
ARGV[1] group, ARGV[2] consumer
ARGV[3] delayMs for release, '' for extend
ARGV[4] default leaseMs (for a group without a stored policy)
ARGV[5..] IDs

Returns {1|0|2, ...}: 1 when the ID was pending for this consumer and its lease was changed;
2 when another consumer holds it (left alone); else 0 (not pending).
Errors: NOSTREAM, WRONGTYPE, NOGROUP, LEASESOFF (leaseMs is 0), BADDELAY (delayMs > leaseMs)
]]
local stream, group, consumer = KEYS[1], ARGV[1], ARGV[2]
sg_stream(stream)
sg_group(stream, group)
local lease = sg_policy(KEYS[2], group, ARGV[4], 0, '')
if lease == 0 then sg_fail('LEASESOFF', 'leases are disabled for this group (leaseMs is 0)') end
local idle = 0
if ARGV[3] ~= '' then
  local delay = tonumber(ARGV[3])
  if delay > lease then sg_fail('BADDELAY', 'delayMs must not exceed the group leaseMs (' .. lease .. ')') end
  idle = lease - delay
end
local out = {}
for i = 5, #ARGV do
  local id = ARGV[i]
  local p = redis.call('XPENDING', stream, group, id, id, 1)[1]
  local changed = 0
  if p and p[2] ~= consumer then
    changed = 2
  elseif p then
    -- XCLAIM drops an entry deleted from the stream from the pending list and returns nothing.
    local r = redis.call('XCLAIM', stream, group, consumer, 0, id, 'IDLE', idle, 'JUSTID')
    if #r > 0 then changed = 1 end
  end
  out[i - 4] = changed
end
return out
