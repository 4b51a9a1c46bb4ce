--[[ setLease-3: extend or release the leases of a consumer's own pending entries.
Extend resets the idle clock (XCLAIM IDLE 0). Release (nack) sets it to leaseMs - delayMs,
so the entry becomes eligible for redelivery after delayMs. JUSTID keeps the delivery
count unchanged. Entries owned by another consumer are left alone (ownership is checked
and changed in one atomic step).
Plus the retry backoff (sg_backoff), which delay 0 waits; a longer delay: idle 0, and KEYS[3].

KEYS[1] stream
KEYS[2] policy hash of the stream
KEYS[3] nack delays of the stream (keys.nackDelays)
ARGV[1] group, ARGV[2] consumer
ARGV[3] delayMs for release, '' for extend
ARGV[4] default leaseMs (for a group without a stored policy)
ARGV[5..] IDs

Returns {1|0|2, ...}: 1 when the ID was pending for this consumer and its lease was changed;
2 when another consumer holds it (left alone); else 0 (not pending).
Errors: NOSTREAM, WRONGTYPE, NOGROUP, LEASESOFF (leaseMs is 0)
]]
local stream, group, consumer = KEYS[1], ARGV[1], ARGV[2]
sg_stream(stream)
sg_group(stream, group)
local lease, _, _, _, _, min_backoff, max_backoff = sg_policy(KEYS[2], group, ARGV[4], 0, '')
if lease == 0 then sg_fail('LEASESOFF', 'leases are disabled for this group (leaseMs is 0)') end
local delay = ARGV[3] ~= '' and tonumber(ARGV[3]) or nil
-- A record set here is never forgotten in the same call (a repeated ID has the same delivery
-- count, so the same idle time), so the forgetter's one EXISTS may predate it.
local forget = sg_delay_forgetter(KEYS[3], group)
-- The idle time of an entry delivered `deliveries` times; a record of a long delay kept, or forgotten.
local function idle_of(id, deliveries)
  local idle = 0
  if delay ~= nil then
    idle = lease + sg_backoff(min_backoff, max_backoff, deliveries) - delay
    if delay == 0 then idle = lease end
    if idle < 0 then
      sg_delay_set(KEYS[3], group, id, delay)
      return 0
    end
  end
  forget(id)
  return idle
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
    local r = redis.call('XCLAIM', stream, group, consumer, 0, id, 'IDLE', idle_of(id, p[4]), 'JUSTID')
    if #r > 0 then changed = 1 end
  end
  out[i - 4] = changed
end
return out
