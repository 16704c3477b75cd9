using System.Net;
using System.Net.Sockets;

namespace HonoMqtt.Adapter.IntegrationTests.Infrastructure;

/// <summary>Free TCP ports on 127.0.0.1, never the same one twice within this test run.</summary>
public static class FreePort
{
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();

    /// <summary>
    /// A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it from its ephemeral range).
    /// Another process may still take it before the caller binds it; fixtures that start peers retry with a new port.
    /// </summary>
    public static int Get()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            lock (Gate)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException("found no free TCP port on 127.0.0.1 that was not handed out before");
    }
}
