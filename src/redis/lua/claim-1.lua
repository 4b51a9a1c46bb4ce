--[[ claim-1: XCLAIM exactly as Redis does it, adding each claimed entry's delivery count, and
stopping after the entry whose bytes (ID, field names and values) reach a budget: the IDs
after it are not tried (not claimed) and are answered so the caller can send them again.
Without JUSTID the IDs are claimed one XCLAIM each, in the order given (what one XCLAIM of
them all does, since Redis claims them in order too); with JUSTID, in one XCLAIM (no data).

KEYS[1] stream
ARGV[1] group, ARGV[2] '1' when the XCLAIM arguments include JUSTID, ARGV[3] byte budget,
ARGV[4] n, the number of IDs; ARGV[5] consumer, ARGV[6] min-idle-time, ARGV[7..6+n] the IDs,
ARGV[7+n..] XCLAIM options (IDLE, TIME, RETRYCOUNT, FORCE, JUSTID)

Returns {claimed, untried}: claimed is flat {id, fields, deliveryCount, ...}, or with JUSTID
the claimed IDs; untried the IDs not tried because the budget was reached (in order)
Errors: NOSTREAM, WRONGTYPE, NOGROUP
]]
sg_stream(KEYS[1])
local group, budget, n = ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4])
local consumer, min_idle = ARGV[5], ARGV[6]
if ARGV[2] == '1' then
  return { redis.call('XCLAIM', KEYS[1], group, consumer, min_idle, unpack(ARGV, 7)), {} }
end
local options = {}
for i = 7 + n, #ARGV do options[#options + 1] = ARGV[i] end
local out, total = {}, 0
for i = 1, n do
  local e = redis.call('XCLAIM', KEYS[1], group, consumer, min_idle, ARGV[6 + i], unpack(options))[1]
  if e then
    total = total + sg_push_counted(out, KEYS[1], group, e)
    if total >= budget and i < n then
      local untried = {}
      for j = i + 1, n do untried[#untried + 1] = ARGV[6 + j] end
      return { out, untried }
    end
  end
end
return { out, {} }
