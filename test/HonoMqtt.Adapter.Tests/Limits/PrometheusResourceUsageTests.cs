using System.Net;
using FluentAssertions;
using HonoMqtt.Adapter.Limits;
using HonoMqtt.Adapter.Mqtt;
using HonoMqtt.Adapter.Options;
using HonoMqtt.Adapter.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Limits;

public sealed class PrometheusResourceUsageTests
{
    private static readonly DateTimeOffset Since = DateTimeOffset.UtcNow.AddDays(-2);

    private static TenantInfo Tenant(long maxConnections = -1, long maxBytes = -1, long maxMinutes = -1) =>
        new("t1", true, null, null, 0, new ResourceLimits(
            MaxConnections: maxConnections,
            DataVolume: maxBytes < 0 ? null : new PeriodicLimit(Since, maxBytes, Monthly: false, NoOfDays: 30),
            ConnectionDuration: maxMinutes < 0 ? null : new PeriodicLimit(Since, maxMinutes, Monthly: false, NoOfDays: 30)), null);

    private sealed class Handler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add(request.RequestUri!);
            }

            return answer(request, cancellationToken);
        }

        public static Handler Value(string value) => new((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent($$$"""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1764633600.5,"{{{value}}}"]}]}}"""),
        }));
    }

    private sealed class CountingLogger : ILogger<PrometheusResourceUsage>
    {
        public int Warnings;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Interlocked.Increment(ref Warnings);
            }
        }
    }

    private static (TenantUsage Usage, PrometheusResourceUsage Prometheus) Create(Handler handler, CountingLogger? logger = null, int cacheTimeout = 60, int queryTimeout = 500)
    {
        var options = new PrometheusResourceLimitsOptions { Host = "prometheus.example", CacheTimeout = cacheTimeout, QueryTimeout = queryTimeout };
        var prometheus = new PrometheusResourceUsage(options, TimeProvider.System, logger ?? new CountingLogger(), handler);
        return (new TenantUsage(new SessionTracker(), TimeProvider.System, prometheus), prometheus);
    }

    [Test]
    public void Queries_AreHonos_WithTotalMinutesForTheDuration()
    {
        PrometheusResourceUsage.ConnectionsQuery("t1").Should().Be("sum(hono_connections_authenticated{tenant=\"t1\"})");
        PrometheusResourceUsage.DataVolumeQuery("t1", 42).Should().Be(
            "floor(sum(increase(hono_telemetry_payload_bytes_sum{status=~\"forwarded|unprocessable\", tenant=\"t1\"} [42m]) or vector(0))"
            + " + sum(increase(hono_command_payload_bytes_sum{status=~\"forwarded|unprocessable\", tenant=\"t1\"} [42m]) or vector(0)))");
        PrometheusResourceUsage.ConnectionDurationQuery("t1", 42).Should().Be(
            "floor(sum(increase(hono_connections_authenticated_duration_seconds_sum{tenant=\"t1\"} [42m])) / 60)");
        PrometheusResourceUsage.ConnectionsQuery("a\"b\\c").Should().Be("sum(hono_connections_authenticated{tenant=\"a\\\"b\\\\c\"})");
    }

    [TestCase("""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1.5,"3"]}]}}""", 3L)]
    [TestCase("""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1.5,"12.7"]}]}}""", 12L)]
    [TestCase("""{"status":"success","data":{"resultType":"vector","result":[]}}""", 0L, TestName = "no metrics yet: 0")]
    [TestCase("""{"status":"error","errorType":"bad_data","error":"parse error"}""", null)]
    [TestCase("""{"status":"success","data":{"result":[{"value":[1.5]}]}}""", null)]
    [TestCase("""{"status":"success","data":{"result":[{"value":[1.5,"NaN"]}]}}""", null)]
    [TestCase("not json", null)]
    public void ParseValue_FollowsHono(string json, long? expected) => PrometheusResourceUsage.ParseValue(json).Should().Be(expected);

    [Test]
    public async Task TheQuery_GoesToTheQueryApiWithTheServerSideTimeout_AndIsCached()
    {
        var handler = Handler.Value("1");
        var (usage, prometheus) = Create(handler, queryTimeout: 700);
        using var _ = prometheus;

        (await usage.TenantConnectionsExceededAsync(Tenant(maxConnections: 1), CancellationToken.None)).Should().BeTrue();
        (await usage.TenantConnectionsExceededAsync(Tenant(maxConnections: 2), CancellationToken.None)).Should().BeFalse();

        handler.Requests.Should().ContainSingle("the second check uses the cached value");
        var uri = handler.Requests[0];
        uri.GetLeftPart(UriPartial.Path).Should().Be("http://prometheus.example:9090/api/v1/query");
        Uri.UnescapeDataString(uri.Query).Should().Be("?query=sum(hono_connections_authenticated{tenant=\"t1\"})&timeout=700ms");
    }

    [Test]
    public async Task DataVolume_AddsTheMessageToTheSumOverAllInstances()
    {
        var handler = Handler.Value("900");
        var (usage, prometheus) = Create(handler);
        using var _ = prometheus;

        (await usage.DataVolumeExceededAsync(Tenant(maxBytes: 1000), 100, CancellationToken.None)).Should().BeFalse("900 + 100 is not above 1000");
        (await usage.DataVolumeExceededAsync(Tenant(maxBytes: 1000), 101, CancellationToken.None)).Should().BeTrue();
        (await usage.DataVolumeExceededAsync(Tenant(maxBytes: 1000), 0, CancellationToken.None)).Should().BeFalse("an empty payload never exceeds");
        Uri.UnescapeDataString(handler.Requests[0].Query).Should().Contain("[2880m]", "the elapsed part of the period, in minutes");
    }

    [Test]
    public async Task ConnectionDuration_ComparesTotalMinutes()
    {
        var (usage, prometheus) = Create(Handler.Value("90"));
        using var _ = prometheus;

        (await usage.ConnectionDurationExceededAsync(Tenant(maxMinutes: 90), CancellationToken.None)).Should().BeTrue();
        (await usage.ConnectionDurationExceededAsync(Tenant(maxMinutes: 91), CancellationToken.None)).Should().BeFalse();
    }

    [Test]
    public async Task AFailingServer_FailsOpen_WithOneWarningForManyChecks_AndIsAskedAgain()
    {
        var handler = new Handler((_, _) => throw new HttpRequestException("connection refused"));
        var logger = new CountingLogger();
        var (usage, prometheus) = Create(handler, logger);
        using var _ = prometheus;

        for (var i = 0; i < 5; i++)
        {
            (await usage.TenantConnectionsExceededAsync(Tenant(maxConnections: 0 + 1), CancellationToken.None)).Should().BeFalse();
            (await usage.DataVolumeExceededAsync(Tenant(maxBytes: 10), 5, CancellationToken.None)).Should().BeFalse();
        }

        handler.Requests.Should().HaveCount(10, "a failure is not cached");
        logger.Warnings.Should().Be(1);
    }

    [Test]
    public async Task AServerThatDoesNotAnswerInTime_FailsOpen()
    {
        var handler = new Handler(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var (usage, prometheus) = Create(handler, queryTimeout: 50);
        using var _ = prometheus;

        var check = usage.TenantConnectionsExceededAsync(Tenant(maxConnections: 1), CancellationToken.None).AsTask();

        (await check.WaitAsync(TimeSpan.FromSeconds(10))).Should().BeFalse();
    }

    [Test]
    public async Task ErrorAnswers_FailOpen()
    {
        var handler = new Handler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadRequest)
        {
            Content = new StringContent("""{"status":"error","errorType":"bad_data","error":"parse error"}"""),
        }));
        var (usage, prometheus) = Create(handler);
        using var _ = prometheus;

        (await usage.TenantConnectionsExceededAsync(Tenant(maxConnections: 1), CancellationToken.None)).Should().BeFalse();
    }

    [Test]
    public void Options_AreValidated_AndUnknownKeysRejected()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["hono:resourceLimits:prometheusBased:host"] = "prom",
            ["hono:resourceLimits:prometheusBased:port"] = "0",
            ["hono:resourceLimits:prometheusBased:queryTimeout"] = "0",
            ["hono:resourceLimits:prometheusBased:cacheTimeout"] = "-1",
            ["hono:resourceLimits:prometheusBased:username"] = "u",
            ["hono:resourceLimits:prometheusBased:tlsEnabled"] = "maybe",
            ["hono:resourceLimits:prometheusBased:hots"] = "x",
        }).Build();

        var hono = HonoConfiguration.Bind(configuration, out var errors);

        hono.PrometheusLimits.Enabled.Should().BeTrue();
        errors.Should().Contain(e => e.StartsWith("hono:resourceLimits:prometheusBased:port must be", StringComparison.Ordinal))
            .And.Contain(e => e.StartsWith("hono:resourceLimits:prometheusBased:queryTimeout must be", StringComparison.Ordinal))
            .And.Contain(e => e.StartsWith("hono:resourceLimits:prometheusBased:cacheTimeout must", StringComparison.Ordinal))
            .And.Contain(e => e.Contains("username and", StringComparison.Ordinal))
            .And.Contain(e => e.StartsWith("hono:resourceLimits:prometheusBased:tlsEnabled has an invalid value", StringComparison.Ordinal))
            .And.Contain("hono:resourceLimits:prometheusBased:hots is not a known option");
    }

    [Test]
    public void Options_Default_ToInProcessCounting()
    {
        var hono = HonoConfiguration.Bind(new ConfigurationBuilder().Build(), out var errors);

        errors.Should().BeEmpty();
        hono.PrometheusLimits.Enabled.Should().BeFalse();
        hono.PrometheusLimits.Port.Should().Be(9090);
        hono.PrometheusLimits.QueryTimeout.Should().Be(500);
        hono.PrometheusLimits.CacheTimeout.Should().Be(60);
    }
}
