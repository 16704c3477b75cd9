using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amqp;
using FluentAssertions;
using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.Protocol;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Downstream;

/// <summary>Connecting, SASL, address rewriting, attach failures, reconnect and stop.</summary>
[TestFixture]
public sealed class AmqpMessagingClientConnectionTests : DownstreamTestBase
{
    [Test]
    public async Task StartDoesNotWaitForTheConnectionAndSendsFailFastUntilConnected()
    {
        Peer.Stop();
        var watch = Stopwatch.StartNew();
        var client = await StartClientAsync(waitUntilReady: false);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));

        client.IsReady.Should().BeFalse();
        (await SendAsync(client, "telemetry/TENANT", "early")).Error.Should().Be(HonoError.TemporarilyUnavailable);

        Peer.Restart();
        await Eventually.UntilAsync(() => client.IsReady, Deadline, "connected once the peer listens");
        (await SendAsync(client, "telemetry/TENANT", "late")).Should().Be(SendOutcome.Accepted);
    }

    [Test]
    public async Task SaslPlainCredentialsReachThePeer()
    {
        using var peer = ScriptedAmqpPeer.Start("hono-user", "s3cret");
        var client = await StartClientAsync(peer, o =>
        {
            o.Username = "hono-user";
            o.Password = "s3cret";
        });

        (await SendAsync(client, "telemetry/TENANT", "m-1")).Should().Be(SendOutcome.Accepted);
        peer.Principals.Should().Equal("hono-user");
    }

    [Test]
    public async Task WrongCredentialsKeepTheClientRetryingAndSendsFailWith503()
    {
        using var peer = ScriptedAmqpPeer.Start("hono-user", "s3cret");
        var client = await StartClientAsync(peer, o =>
        {
            o.Username = "hono-user";
            o.Password = "wrong";
        }, waitUntilReady: false);

        await Eventually.UntilAsync(() => Log.Lines.Count(l => l.Line.Contains("failed")) >= 2, Deadline, "two failed attempts");
        client.IsReady.Should().BeFalse();
        (await SendAsync(client, "telemetry/TENANT", "m-1")).Error.Should().Be(HonoError.TemporarilyUnavailable);
        peer.ContainerIds.Should().BeEmpty();
    }

    [Test]
    public async Task TheRewriteRuleAppliesToTheLinkTargetButNotToTheMessage()
    {
        var client = await StartClientAsync(o => o.AddressRewriteRule = "^(.*)$ /queue/${enc:1}");

        (await SendAsync(client, "telemetry/T", "m-1")).Should().Be(SendOutcome.Accepted);

        Peer.AttachTargets.Should().Equal("/queue/telemetry%2FT");
        Peer.Received.Single().Message.Properties.To.Should().Be("telemetry/T");
    }

    [Test]
    public async Task ARefusedAttachIs503AndIsRetriedOnNextUse()
    {
        var client = await StartClientAsync();
        Peer.Attach = AttachAnswer.NotFound;

        (await SendAsync(client, "event/TENANT", "refused")).Error.Should().Be(HonoError.TemporarilyUnavailable);

        Peer.Attach = AttachAnswer.Accept;
        (await SendAsync(client, "event/TENANT", "accepted")).Should().Be(SendOutcome.Accepted);
        Peer.AttachTargets.Should().Equal("event/TENANT", "event/TENANT");
        client.IsReady.Should().BeTrue("a refused link leaves the connection alone");
    }

    [Test]
    public async Task AnAttachRefusedWithInternalErrorIs500()
    {
        var client = await StartClientAsync();
        Peer.Attach = AttachAnswer.Refuse(ErrorCode.InternalError);

        (await SendAsync(client, "event/TENANT", "refused")).Error.Should().Be(HonoError.InternalError);
    }

    [Test]
    public async Task AnUnansweredAttachIs503AfterLinkEstablishmentTimeout()
    {
        var client = await StartClientAsync(o => o.LinkEstablishmentTimeout = 300);
        Peer.Attach = AttachAnswer.NeverAnswer;

        var watch = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(SendAsync(client, "event/TENANT", "a"), SendAsync(client, "event/TENANT", "b"));

        outcomes.Select(o => o.Error).Should().AllBeEquivalentTo(HonoError.TemporarilyUnavailable);
        watch.Elapsed.Should().BeGreaterThan(TimeSpan.FromMilliseconds(250)).And.BeLessThan(TimeSpan.FromSeconds(3));
        Peer.AttachTargets.Should().Equal("event/TENANT");
    }

    [Test]
    public async Task ReconnectsAfterThePeerClosesTheConnection()
    {
        var client = await StartClientAsync();
        (await SendAsync(client, "event/TENANT", "before")).Should().Be(SendOutcome.Accepted);

        Peer.CloseConnections();

        await Eventually.UntilAsync(() => client.ConnectCount == 2 && client.IsReady, Deadline, "reconnected");
        (await SendAsync(client, "event/TENANT", "after")).Should().Be(SendOutcome.Accepted);
        Peer.AttachTargets.Should().Equal("event/TENANT", "event/TENANT");
        Log.Lines.Should().Contain(l => l.Level == LogLevel.Warning && l.Line.Contains("lost"));
    }

    [Test]
    public async Task ASendPendingWhenTheConnectionCloses503()
    {
        var client = await StartClientAsync();
        Peer.Answer = PeerAnswer.CloseConnection;

        (await SendAsync(client, "event/TENANT", "dropped")).Error.Should().Be(HonoError.TemporarilyUnavailable);

        Peer.Answer = PeerAnswer.Accept;
        await Eventually.UntilAsync(() => client.ConnectCount == 2 && client.IsReady, Deadline, "reconnected");
        (await SendAsync(client, "event/TENANT", "after")).Should().Be(SendOutcome.Accepted);
        client.InFlightCount.Should().Be(0);
    }

    [Test]
    public async Task ASendPendingWhenThePeerDetachesTheLinkIs503AndTheLinkIsReattached()
    {
        var client = await StartClientAsync(o => o.SendMessageTimeout = 10_000);
        Peer.Answer = PeerAnswer.Hold;
        var pending = SendAsync(client, "event/TENANT", "pending");
        await Eventually.UntilAsync(() => Peer.HeldCount == 1, Deadline, "message held");

        Peer.DetachLinks(ErrorCode.ResourceLimitExceeded);

        (await pending.WaitAsync(Deadline)).Error.Should().Be(HonoError.TemporarilyUnavailable,
            "the library reports the detach as 'rejected' with the detach error; that is no disposition of the peer");
        Peer.Answer = PeerAnswer.Accept;
        (await SendAsync(client, "event/TENANT", "after")).Should().Be(SendOutcome.Accepted);
        Peer.AttachTargets.Should().Equal("event/TENANT", "event/TENANT");
        client.ConnectCount.Should().Be(1);
    }

    [Test]
    public async Task WhileThePeerIsDownSendsFailFastAndRecoverWithoutRestartingTheClient()
    {
        var client = await StartClientAsync();
        (await SendAsync(client, "telemetry/TENANT", "before")).Should().Be(SendOutcome.Accepted);

        Peer.Stop();
        await Eventually.UntilAsync(() => !client.IsReady, Deadline, "loss noticed");
        var watch = Stopwatch.StartNew();
        (await SendAsync(client, "telemetry/TENANT", "while-down")).Error.Should().Be(HonoError.TemporarilyUnavailable);
        (await SendAsync(client, "telemetry/TENANT", "while-down-qos0", waitForOutcome: false)).Error
            .Should().Be(HonoError.TemporarilyUnavailable);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromMilliseconds(500));

        Peer.Restart();
        await Eventually.UntilAsync(() => client.IsReady, Deadline, "reconnected after restart");
        (await SendAsync(client, "telemetry/TENANT", "after")).Should().Be(SendOutcome.Accepted);
        client.ConnectCount.Should().Be(2);
        Peer.Received.Select(r => r.MessageId).Should().Equal("before", "after");
    }

    [Test]
    public async Task ConnectTimeoutBoundsAPeerThatNeverAnswers()
    {
        // Accepts TCP but never speaks: the library's token does not cover the SASL exchange.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var sockets = new List<Socket>();
        using var stopAccepting = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stopAccepting.IsCancellationRequested)
            {
                var socket = await silent.AcceptSocketAsync(stopAccepting.Token);
                lock (sockets)
                {
                    sockets.Add(socket);
                }
            }
        });

        try
        {
            var port = ((IPEndPoint)silent.LocalEndpoint).Port;
            var client = await StartClientAsync(Peer, o =>
            {
                o.Port = port;
                o.ConnectTimeout = 300;
            }, waitUntilReady: false);

            await Eventually.UntilAsync(() =>
            {
                lock (sockets)
                {
                    return sockets.Count >= 3;
                }
            }, Deadline, "three connection attempts");
            client.IsReady.Should().BeFalse();
            Log.Lines.Count(l => l.Line.Contains("timed out")).Should().BeGreaterThanOrEqualTo(2);

            // the timed-out attempt did not leave its socket open: the server sees EOF or a reset
            Socket first;
            lock (sockets)
            {
                first = sockets[0];
            }

            await ReadUntilClosedAsync(first).WaitAsync(Deadline);
        }
        finally
        {
            await stopAccepting.CancelAsync();
            silent.Stop();
            await accepting.ContinueWith(_ => { }, TaskScheduler.Default);
            lock (sockets)
            {
                sockets.ForEach(s => s.Dispose());
            }
        }
    }

    private static async Task ReadUntilClosedAsync(Socket socket)
    {
        var buffer = new byte[64];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None) > 0)
            {
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // closed with a reset: closed all the same
        }
    }

    [Test]
    public async Task StopClosesTheConnectionAndPendingSendsFail()
    {
        var client = await StartClientAsync(o => o.SendMessageTimeout = 10_000);
        Peer.Answer = PeerAnswer.Hold;
        var pending = SendAsync(client, "event/TENANT", "pending");
        await Eventually.UntilAsync(() => Peer.HeldCount == 1, Deadline, "message held");

        await client.StopAsync(CancellationToken.None).WaitAsync(Deadline);

        (await pending.WaitAsync(Deadline)).Error.Should().Be(HonoError.TemporarilyUnavailable);
        client.IsReady.Should().BeFalse();
        await Eventually.UntilAsync(() => Peer.OpenConnectionCount == 0, Deadline, "peer saw the connection close");
        (await SendAsync(client, "event/TENANT", "after-stop")).Error.Should().Be(HonoError.TemporarilyUnavailable);
    }

    [Test]
    public async Task StopEndsPromptlyWhileReconnecting()
    {
        Peer.Stop();
        var client = await StartClientAsync(o => o.ReconnectMaxDelay = 60_000, waitUntilReady: false);
        await Eventually.UntilAsync(() => Log.Lines.Count(l => l.Line.Contains("Reconnecting")) >= 2, Deadline, "retrying");

        await client.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(3));
    }
}
