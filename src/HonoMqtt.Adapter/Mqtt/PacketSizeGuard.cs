namespace HonoMqtt.Adapter.Mqtt;

/// <summary>
/// Follows MQTT's framing (type byte, variable-length "remaining length", body) over the bytes read from a connection,
/// so that a packet announcing more than the limit is refused before anybody allocates a buffer for it
/// (MQTTnet allocates whatever length a client claims). A malformed length (a fifth continuation byte) is refused too.
/// </summary>
public struct PacketSizeGuard(int maxRemainingLength)
{
    private enum State : byte
    {
        TypeByte,
        Length,
        Body,
    }

    private State _state;
    private int _lengthBytes;
    private int _multiplier;
    private long _remaining;

    public readonly int MaxRemainingLength => maxRemainingLength;

    /// <summary>Inspects the next bytes of the stream; false as soon as they announce an oversized or malformed packet.</summary>
    public bool Advance(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length)
        {
            switch (_state)
            {
                case State.TypeByte:
                    i++;
                    _state = State.Length;
                    _lengthBytes = 0;
                    _multiplier = 1;
                    _remaining = 0;
                    break;

                case State.Length:
                    var b = data[i++];
                    _remaining += (b & 0x7F) * (long)_multiplier;
                    _multiplier *= 128;
                    _lengthBytes++;
                    if ((b & 0x80) != 0)
                    {
                        if (_lengthBytes == 4)
                        {
                            return false;   // [MQTT-2.2.3]: at most four length bytes
                        }

                        if (_remaining > maxRemainingLength)
                        {
                            return false;   // already too large, whatever follows
                        }

                        break;
                    }

                    if (_remaining > maxRemainingLength)
                    {
                        return false;
                    }

                    _state = _remaining == 0 ? State.TypeByte : State.Body;
                    break;

                case State.Body:
                    var take = (int)Math.Min(_remaining, data.Length - i);
                    i += take;
                    _remaining -= take;
                    if (_remaining == 0)
                    {
                        _state = State.TypeByte;
                    }

                    break;
            }
        }

        return true;
    }
}
