using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Server;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>
/// Our own TCP listener for MQTTnet: it hands MQTTnet <see cref="GuardedChannel"/>s, which enforce the packet size limit
/// while bytes arrive (MQTTnet's built-in listener allocates any announced length before CONNECT is authenticated).
/// With a <see cref="TlsServerHandshake"/> it is the TLS port: the handshake runs before MQTTnet sees the connection.
/// </summary>
public sealed partial class GuardedTcpServerAdapter(IPEndPoint endpoint, int maxRemainingLength, ILogger logger, TlsServerHandshake? tls = null)
    : IMqttServerAdapter
{
    private Socket? _listener;
    private CancellationTokenSource? _stopping;
    private Task? _acceptLoop;
    private MqttServerOptions? _options;
    private IMqttNetLogger? _mqttLogger;

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <summary>The port actually bound (useful with port 0).</summary>
    public int BoundPort { get; private set; }

    public IPEndPoint Endpoint => endpoint;

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        _options = options;
        _mqttLogger = logger;
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endpoint);
            socket.Listen(1024);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _listener = socket;
        BoundPort = ((IPEndPoint)socket.LocalEndPoint!).Port;
        _stopping = new CancellationTokenSource();
        _acceptLoop = AcceptLoopAsync(socket, _stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>Stops accepting new connections; open ones are not affected.</summary>
    public async Task StopListeningAsync()
    {
        if (_stopping is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        if (_acceptLoop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }
    }

    public Task StopAsync() => StopListeningAsync();

    public void Dispose()
    {
        _stopping?.Cancel();
        _listener?.Dispose();
        _stopping?.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // Transient accept failures (e.g. the client reset before accept, or out of file descriptors).
                LogAcceptFailed(e.SocketErrorCode);
                continue;
            }

            _ = Task.Run(() => HandleClientAsync(client), CancellationToken.None);
        }
    }

    private async Task HandleClientAsync(Socket socket)
    {
        GuardedChannel? channel = null;
        IMqttChannelAdapter? adapterForCallback = null;
        TlsConnectionInfo? secured = null;
        try
        {
            socket.NoDelay = true;
            var handler = ClientHandler;
            if (handler is null)
            {
                socket.Dispose();
                return;
            }

            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (tls is not null)
            {
                secured = await HandshakeAsync(socket, stream).ConfigureAwait(false);
                if (secured is null)
                {
                    return;
                }

                stream = secured.Stream;
            }

            channel = new GuardedChannel(socket, stream, maxRemainingLength, secured?.ClientCertificate) { ServerName = secured?.ServerName };
            var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(_options!.WriterBufferSize, _options.WriterBufferSizeMax));
            using var adapter = new MqttChannelAdapter(channel, formatter, _mqttLogger!);
            adapterForCallback = adapter;
            if (ConnectionOpened is { } opened)
            {
                opened(adapter, channel);
            }

            await handler(adapter).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            LogConnectionFailed(e.Message);
        }
        finally
        {
            if (channel is { PacketLimitExceeded: true })
            {
                LogPacketTooLarge(channel.RemoteEndPoint, maxRemainingLength);
            }

            channel?.Dispose();
            socket.Dispose();
            secured?.ClientCertificate?.Dispose();
            if (adapterForCallback is not null)
            {
                ConnectionClosed?.Invoke(adapterForCallback);
            }
        }
    }

    /// <summary>The TLS handshake; null (and the socket closed) if it failed or timed out.</summary>
    private async Task<TlsConnectionInfo?> HandshakeAsync(Socket socket, Stream network)
    {
        var remote = socket.RemoteEndPoint;
        try
        {
            return await tls!.AuthenticateAsync(network, _stopping?.Token ?? CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogHandshakeTimeout(remote, (int)tls!.Timeout.TotalMilliseconds);
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException or SocketException
                                      or ObjectDisposedException or OperationCanceledException)
        {
            LogHandshakeFailed(remote, e.Message);
        }

        socket.Dispose();
        return null;
    }

    /// <summary>Called once for each connection when it has ended completely.</summary>
    public Action<IMqttChannelAdapter>? ConnectionClosed { get; set; }

    /// <summary>Called for each accepted connection before MQTTnet reads its CONNECT.</summary>
    public Action<IMqttChannelAdapter, GuardedChannel>? ConnectionOpened { get; set; }

    [LoggerMessage(101, LogLevel.Debug, "Accepting a connection failed: {Error}")]
    private partial void LogAcceptFailed(SocketError error);

    [LoggerMessage(102, LogLevel.Debug, "Connection ended with an I/O error: {Reason}")]
    private partial void LogConnectionFailed(string reason);

    [LoggerMessage(103, LogLevel.Information, "Closed the connection from {Remote}: a packet exceeded the limit of {Limit} bytes or was malformed")]
    private partial void LogPacketTooLarge(EndPoint remote, int limit);

    [LoggerMessage(104, LogLevel.Information, "Closed the connection from {Remote}: no TLS handshake within {Timeout} ms")]
    private partial void LogHandshakeTimeout(EndPoint? remote, int timeout);

    [LoggerMessage(105, LogLevel.Debug, "TLS handshake with {Remote} failed: {Reason}")]
    private partial void LogHandshakeFailed(EndPoint? remote, string reason);
}
