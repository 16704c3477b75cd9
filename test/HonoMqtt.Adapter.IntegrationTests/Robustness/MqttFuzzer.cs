using System.Text;
using HonoMqtt.Adapter.IntegrationTests.Harness;

namespace HonoMqtt.Adapter.IntegrationTests.Robustness;

/// <summary>
/// Makes malformed and mutated MQTT byte streams from a seed: valid packets as templates, then bit flips, truncation,
/// insertion, bogus lengths and types, odd strings (invalid UTF-8, NUL, wildcards, very long values), and raw garbage.
/// The same seed gives the same streams.
/// </summary>
public sealed class MqttFuzzer(int seed, string username, string password)
{
    private readonly Random _random = new(seed);

    /// <summary>One connection's worth of bytes, made of <paramref name="packets"/> packets.</summary>
    public byte[] NextStream(int packets)
    {
        var stream = new List<byte>();
        stream.AddRange(_random.Next(4) == 0 ? Mutate(Connect()) : Connect());
        for (var i = 1; i < packets; i++)
        {
            var packet = NextTemplate();
            stream.AddRange(_random.Next(3) == 0 ? packet : Mutate(packet));
        }

        return stream.ToArray();
    }

    private byte[] Connect() => _random.Next(2) == 0
        ? RawMqtt.Connect(OddString(), _random.Next(5) == 0 ? OddString() : username, _random.Next(5) == 0 ? OddString() : password, _random.Next(0, 120))
        : RawMqtt.Connect("fuzz-" + _random.Next(), username, password, 60);

    private byte[] NextTemplate() => _random.Next(9) switch
    {
        0 => RawMqtt.Publish(Topic(), Payload(), _random.Next(3), (ushort)_random.Next(1, 65536)),
        1 => RawMqtt.Publish(OddString(), Payload(), _random.Next(4), (ushort)_random.Next(65536)),
        2 => RawMqtt.Packet(0x82, [.. Id(), .. RawMqtt.Utf8String(_random.Next(2) == 0 ? "error///#" : OddString()), (byte)_random.Next(4)]),
        3 => RawMqtt.Packet(0xA2, [.. Id(), .. RawMqtt.Utf8String(OddString())]),
        4 => RawMqtt.PingReq,
        5 => [0xE0, 0x00],
        6 => RawMqtt.Packet((byte)(_random.Next(16) << 4 | _random.Next(16)), Bytes(_random.Next(0, 64))),
        7 => Bytes(_random.Next(1, 256)),
        _ => Connect(),
    };

    private byte[] Mutate(byte[] packet)
    {
        var bytes = new List<byte>(packet);
        switch (_random.Next(6))
        {
            case 0:
                for (var i = 0; i < 1 + _random.Next(4) && bytes.Count > 0; i++)
                {
                    bytes[_random.Next(bytes.Count)] ^= (byte)(1 << _random.Next(8));
                }

                break;
            case 1:
                var keep = _random.Next(bytes.Count);
                bytes.RemoveRange(keep, bytes.Count - keep);
                break;
            case 2:
                bytes.InsertRange(_random.Next(bytes.Count + 1), Bytes(_random.Next(1, 32)));
                break;
            case 3:
                // A bogus remaining length, up to the largest MQTT allows (and a fifth length byte sometimes).
                var length = _random.Next(5) == 0 ? new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x01 } : new byte[] { 0xFF, 0xFF, 0xFF, 0x7F };
                bytes = [bytes.Count > 0 ? bytes[0] : (byte)0x30, .. length, .. bytes.Skip(2)];
                break;
            case 4:
                if (bytes.Count > 0)
                {
                    bytes[0] = (byte)_random.Next(256);
                }

                break;
            default:
                bytes.AddRange(bytes.Take(_random.Next(bytes.Count + 1)).ToList());
                break;
        }

        return bytes.ToArray();
    }

    private string Topic() => _random.Next(6) switch
    {
        0 => "telemetry",
        1 => "event/?content-type=text%2Fplain",
        2 => "t/" + OddString() + "/" + OddString(),
        3 => "telemetry/?" + OddString(),
        4 => "command///res/" + OddString() + "/200",
        _ => "e//d1/?on-error=" + (_random.Next(2) == 0 ? "ignore" : "skip-ack"),
    };

    private string OddString() => _random.Next(8) switch
    {
        0 => string.Empty,
        1 => "\0nul\0",
        2 => "#/+/" + _random.Next(),
        3 => new string('x', _random.Next(1000, 70000)),
        4 => Encoding.Latin1.GetString(Bytes(_random.Next(1, 40))),   // becomes invalid UTF-8 on the wire only via raw bytes below
        5 => "\uD800broken-surrogate",
        6 => "%zz/?%",
        _ => "a@t1",
    };

    private byte[] Payload() => _random.Next(4) == 0 ? [] : Bytes(_random.Next(0, 3000));

    private byte[] Id() => [(byte)_random.Next(256), (byte)_random.Next(256)];

    private byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }
}
