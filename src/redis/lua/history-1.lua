--[[ history-1: the consumer's own pending entries after an ID, as XREADGROUP reads them
(in Redis such a read counts as a delivery; this script changes nothing else).

KEYS[1] stream
ARGV[1] group, ARGV[2] consumer, ARGV[3] count, ARGV[4] ID to read after ('0': all)

Returns flat {id, fields, deliveryCount, ...}; fields is nil for an entry deleted from the
stream while still pending.
Errors: NOSTREAM, WRONGTYPE, NOGROUP
]]
sg_stream(KEYS[1])
-- Redis uses the largest ID internally to mean '>': XREADGROUP given it reads NEW entries
-- (a delivery without the lease reclaim and dead-lettering of pull-4). No pending entry can
-- follow the largest ID, so the answer is empty; the group must still exist.
if ARGV[4] == '18446744073709551615-18446744073709551615' then
  sg_group(KEYS[1], ARGV[1])
  return {}
end
local read = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], ARGV[4])
local out = {}
if read then
  for _, e in ipairs(read[1][2]) do
    local p = redis.call('XPENDING', KEYS[1], ARGV[1], e[1], e[1], 1)[1]
    out[#out + 1] = e[1]
    out[#out + 1] = e[2] or false
    out[#out + 1] = p and p[4] or 0
  end
end
return out
