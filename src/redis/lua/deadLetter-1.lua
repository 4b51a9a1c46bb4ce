--[[ deadLetter-1: the first of the two steps of a dead-letter move across Cluster slots:
writes dead letters that pull-5 or term-4 handed back (their fields complete: the entry's,
then the x-* fields), in the dead-letter stream's slot. The caller then acks the entries in
the stream's slot (ack-2); until then they stay pending, so a failure between the two steps
leaves a duplicate dead letter at most (redrive skips it), never a lost message.

KEYS[1] dead-letter stream
ARGV[1..] per dead letter: its number of field names and values, then the names and values

Returns the new dead letters' IDs, in order.
Errors: DLQTYPE (the dead-letter key holds another type), raised before anything is written.
]]
sg_dlq_check(KEYS[1])
local ids, i = {}, 1
while i <= #ARGV do
  local k = tonumber(ARGV[i])
  ids[#ids + 1] = redis.call('XADD', KEYS[1], '*', unpack(ARGV, i + 1, i + k))
  i = i + k + 1
end
return ids
