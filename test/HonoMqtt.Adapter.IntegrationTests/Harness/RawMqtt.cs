using System.Text;

namespace HonoMqtt.Adapter.IntegrationTests.Harness;

/// <summary>Hand-made MQTT 3.1.1 packets, for tests that must control every byte on the wire.</summary>
public static class RawMqtt
{
    public static byte[] Connect(string clientId, string? username, string? password, int keepAliveSeconds)
    {
        var body = new List<byte>();
        body.AddRange(Utf8("MQTT"));
        body.Add(4);   // protocol level 3.1.1
        byte flags = 0x02;   // clean session
        if (username is not null)
        {
            flags |= 0x80;
        }

        if (password is not null)
        {
            flags |= 0x40;
        }

        body.Add(flags);
        body.Add((byte)(keepAliveSeconds >> 8));
        body.Add((byte)keepAliveSeconds);
        body.AddRange(Utf8(clientId));
        if (username is not null)
        {
            body.AddRange(Utf8(username));
        }

        if (password is not null)
        {
            body.AddRange(Utf8(password));
        }

        return Packet(0x10, body);
    }

    public static byte[] Publish(string topic, byte[] payload, int qos, ushort packetId = 1)
    {
        var body = new List<byte>(Utf8(topic));
        if (qos > 0)
        {
            body.Add((byte)(packetId >> 8));
            body.Add((byte)packetId);
        }

        body.AddRange(payload);
        return Packet((byte)(0x30 | (qos << 1)), body);
    }

    public static byte[] Packet(byte typeAndFlags, IReadOnlyCollection<byte> body)
    {
        var packet = new List<byte> { typeAndFlags };
        var length = body.Count;
        do
        {
            var b = (byte)(length % 128);
            length /= 128;
            packet.Add(length > 0 ? (byte)(b | 0x80) : b);
        }
        while (length > 0);
        packet.AddRange(body);
        return packet.ToArray();
    }

    /// <summary>Reads a CONNACK and returns its return code.</summary>
    public static async Task<int> ReadConnAckAsync(Stream stream)
    {
        var buffer = new byte[4];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        if (buffer[0] != 0x20)
        {
            throw new InvalidDataException($"expected CONNACK, got packet type 0x{buffer[0]:X2}");
        }

        return buffer[3];
    }

    public static readonly byte[] PingReq = [0xC0, 0x00];

    /// <summary>Reads the next packet: its first header byte and its body.</summary>
    public static async Task<(byte Header, byte[] Body)> ReadPacketAsync(Stream stream, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var one = new byte[1];
        await stream.ReadExactlyAsync(one, cts.Token);
        var header = one[0];
        int length = 0, multiplier = 1;
        byte b;
        do
        {
            await stream.ReadExactlyAsync(one, cts.Token);
            b = one[0];
            length += (b & 0x7F) * multiplier;
            multiplier *= 128;
        }
        while ((b & 0x80) != 0);
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, cts.Token);
        return (header, body);
    }

    /// <summary>Reads until the peer closes; true if it did so within the timeout.</summary>
    public static async Task<bool> ReadToEndAsync(Stream stream, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[1024];
        try
        {
            while (await stream.ReadAsync(buffer, cts.Token) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;   // reset by the peer
        }
    }

    public static byte[] Utf8String(string value) => Utf8(value);

    private static byte[] Utf8(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return [(byte)(bytes.Length >> 8), (byte)bytes.Length, .. bytes];
    }
}
