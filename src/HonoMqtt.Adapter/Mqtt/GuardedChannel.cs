using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Channel;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>
/// One device connection as MQTTnet sees it. Reads are buffered (MQTTnet reads a packet in several small reads)
/// from a pooled buffer that an idle connection does not hold: it waits for data with a zero-byte read first.
/// Every byte handed to MQTTnet passes the <see cref="PacketSizeGuard"/>; an oversized packet ends the stream.
/// </summary>
public sealed class GuardedChannel : IMqttChannel
{
    private const int BufferSize = 4096;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private PacketSizeGuard _guard;
    private byte[]? _buffer;
    private int _offset;
    private int _count;
    private int _disposed;

    public GuardedChannel(Socket socket, Stream stream, int maxRemainingLength, X509Certificate2? clientCertificate)
    {
        _socket = socket;
        _stream = stream;
        _guard = new PacketSizeGuard(maxRemainingLength);
        ClientCertificate = clientCertificate!;
        RemoteEndPoint = socket.RemoteEndPoint!;
        LocalEndPoint = socket.LocalEndPoint!;
        IsSecureConnection = stream is System.Net.Security.SslStream;
    }

    public X509Certificate2 ClientCertificate { get; }

    /// <summary>The host name the client asked for with TLS SNI, if any (Hono's fallback for finding a device's tenant).</summary>
    public string? ServerName { get; init; }

    public EndPoint RemoteEndPoint { get; }

    public EndPoint LocalEndPoint { get; }

    public bool IsSecureConnection { get; }

    /// <summary>The negotiated TLS cipher suite (IANA name, as Hono's <c>cipher-suite</c> tag has it); null on the plain port.</summary>
    public string? CipherSuite => _stream is System.Net.Security.SslStream ssl ? ssl.NegotiatedCipherSuite.ToString() : null;

    /// <summary>Set when the connection was ended because a packet exceeded the size limit (or was malformed).</summary>
    public bool PacketLimitExceeded { get; private set; }

    public Task ConnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DisconnectAsync(CancellationToken cancellationToken)
    {
        Close();
        return Task.CompletedTask;
    }

    public async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        if (PacketLimitExceeded || count == 0)
        {
            return 0;
        }

        if (_count == 0)
        {
            ReturnBuffer();
            try
            {
                // Wait for data without holding a buffer: idle connections then cost no read buffer at all.
                await _stream.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                var rented = ArrayPool<byte>.Shared.Rent(BufferSize);
                _buffer = rented;
                _offset = 0;
                _count = await _stream.ReadAsync(rented.AsMemory(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                _count = 0;
            }

            if (_count == 0)
            {
                ReturnBuffer();
                return 0;
            }
        }

        var n = Math.Min(count, _count);
        var chunk = _buffer.AsSpan(_offset, n);
        if (!_guard.Advance(chunk))
        {
            PacketLimitExceeded = true;
            ReturnBuffer();
            return 0;
        }

        chunk.CopyTo(buffer.AsSpan(offset, n));
        _offset += n;
        _count -= n;
        if (_count == 0)
        {
            ReturnBuffer();
        }

        return n;
    }

    public async Task WriteAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken)
    {
        foreach (var segment in buffer)
        {
            await _stream.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
        }

        if (isEndOfPacket && IsSecureConnection)
        {
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        Close();
    }

    private void Close()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // already gone
        }
        catch (ObjectDisposedException)
        {
            // already gone
        }

        _stream.Dispose();
        _socket.Dispose();
    }

    private void ReturnBuffer()
    {
        if (_buffer is { } b)
        {
            _buffer = null;
            _count = 0;
            ArrayPool<byte>.Shared.Return(b);
        }
    }
}
