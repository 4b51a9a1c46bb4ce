--[[ redriveAdd-2: the first of the two steps of a redrive across Cluster slots (the
dead-letter stream in another slot than its source): republishes dead letters the caller
read, in the source's slot, remembering each x-original-id (KEYS[2]). The caller then
deletes the dead letters (XDEL, in their slot); a failure between the two leaves a dead
letter whose original is remembered: the next redrive deletes it without republishing.

KEYS[1] source stream
KEYS[2] record of what was redriven (keys.redriven of the source)
ARGV[1] group
ARGV[2] how long (ms) a redriven x-original-id is remembered
ARGV[3..] per dead letter: its number of field names and values, then the names and values

Returns per dead letter, as redrive-3 takes it: its new ID in the source; '' when it is a duplicate
(its x-original-id was redriven already: to be deleted, not republished); false when it is
not a dead letter of this group from this source (left alone).
Errors: WRONGTYPE (the source key holds another type)
]]
local source, group = KEYS[1], ARGV[1]
sg_stream_or_none(source)
local redriven, remember = sg_redriven(KEYS[2], tonumber(ARGV[2]))
local out, i = {}, 3
while i <= #ARGV do
  local k = tonumber(ARGV[i])
  local kept, original = sg_dead_letter_original({ unpack(ARGV, i + 1, i + k) }, source, group)
  local result = false
  if kept ~= nil and #kept > 0 then
    result = ''
    if not redriven(group, original) then
      result = redis.call('XADD', source, '*', unpack(kept))
      remember(group, original)
    end
  end
  out[#out + 1] = result
  i = i + k + 1
end
return out
