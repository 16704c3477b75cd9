using System.Text;
using FluentAssertions;
using HonoMqtt.Adapter.Diagnostics;
using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Diagnostics;

public sealed class PrometheusMetricsTests
{
    private const string Common = "component_name=\"hono-mqtt\",component_type=\"adapter\",host=\"h1\"";
    private const string Components = "component_name=\"hono-mqtt\",component_type=\"adapter\"";

    private readonly SteppedTimeProvider _time = new();

    private string Scrape(PrometheusMetrics metrics)
    {
        var output = new StringBuilder();
        metrics.WriteTo(output);
        return output.ToString();
    }

    [Test]
    public void ReportConnectionAttempt_UnknownTenantAndCipherSuite_AreUnknownWithUnderscoreLabelNames()
    {
        var metrics = new PrometheusMetrics(_time, "h1");

        metrics.ReportConnectionAttempt(ConnectionAttemptOutcome.Unauthorized, null, null);
        metrics.ReportConnectionAttempt(ConnectionAttemptOutcome.Unauthorized, null, null);
        metrics.ReportConnectionAttempt(ConnectionAttemptOutcome.Succeeded, "t1", "TLS_AES_128_GCM_SHA256");

        var text = Scrape(metrics);
        text.Should().Contain("# TYPE hono_connections_attempts_total counter\n");
        text.Should().Contain($"hono_connections_attempts_total{{cipher_suite=\"UNKNOWN\",{Common},outcome=\"unauthorized\",tenant=\"UNKNOWN\"}} 2.0\n");
        text.Should().Contain($"hono_connections_attempts_total{{cipher_suite=\"TLS_AES_128_GCM_SHA256\",{Common},outcome=\"succeeded\",tenant=\"t1\"}} 1.0\n");
    }

    [Test]
    public void ReportTelemetry_RecordsRoundedPayloadAndDurationAsSummariesWithMax()
    {
        var metrics = new PrometheusMetrics(_time, "h1");
        var tenant = new TenantInfo("t1", true, null, null, 100, ResourceLimits.Unlimited, null);

        metrics.ReportTelemetry(HonoEndpoint.Telemetry, "t1", tenant, ProcessingOutcome.Forwarded, 0, 10, TimeSpan.FromMilliseconds(2));
        metrics.ReportTelemetry(HonoEndpoint.Telemetry, "t1", tenant, ProcessingOutcome.Forwarded, 0, 150, TimeSpan.FromMilliseconds(4));

        var text = Scrape(metrics);
        var labels = $"{Common},qos=\"0\",status=\"forwarded\",tenant=\"t1\",ttd=\"none\",type=\"telemetry\"";
        text.Should().Contain("# TYPE hono_telemetry_payload_bytes summary\n");
        text.Should().Contain($"hono_telemetry_payload_bytes_count{{{labels}}} 2.0\n");
        text.Should().Contain($"hono_telemetry_payload_bytes_sum{{{labels}}} 300.0\n");
        text.Should().Contain("# TYPE hono_telemetry_payload_bytes_max gauge\n");
        text.Should().Contain($"hono_telemetry_payload_bytes_max{{{labels}}} 200.0\n");
        text.Should().Contain($"hono_telemetry_processing_duration_seconds_count{{{labels}}} 2.0\n");
        text.Should().Contain($"hono_telemetry_processing_duration_seconds_sum{{{labels}}} 0.006\n");
        text.Should().Contain($"hono_telemetry_processing_duration_seconds_max{{{labels}}} 0.004\n");
    }

    [Test]
    public void ReportCommand_UsesDirectionTenantAndStatus()
    {
        var metrics = new PrometheusMetrics(_time, "h1");

        metrics.ReportCommand(CommandDirection.OneWay, "t1", null, ProcessingOutcome.Undeliverable, 7, TimeSpan.FromMilliseconds(1));

        var text = Scrape(metrics);
        var labels = $"{Components},direction=\"one-way\",host=\"h1\",status=\"undeliverable\",tenant=\"t1\"";
        text.Should().Contain($"hono_command_payload_bytes_sum{{{labels}}} 7.0\n");
        text.Should().Contain($"hono_command_processing_duration_seconds_count{{{labels}}} 1.0\n");
    }

    [Test]
    public void ConnectionGauges_FollowIncrementsAndDecrements()
    {
        var metrics = new PrometheusMetrics(_time, "h1");

        metrics.IncrementConnections("t1");
        metrics.IncrementConnections("t1");
        metrics.DecrementConnections("t1");
        metrics.IncrementUnauthenticatedConnections();

        var text = Scrape(metrics);
        text.Should().Contain("# TYPE hono_connections_authenticated gauge\n");
        text.Should().Contain($"hono_connections_authenticated{{{Common},tenant=\"t1\"}} 1.0\n");
        text.Should().Contain($"hono_connections_unauthenticated{{{Common}}} 1.0\n");
    }

    [Test]
    public void RecordConnectionDurations_RecordsConnectionsTimesElapsedTimeAcrossChanges()
    {
        var metrics = new PrometheusMetrics(_time, "h1");
        metrics.IncrementConnections("t1");
        metrics.IncrementConnections("t1");
        _time.Advance(TimeSpan.FromSeconds(4));
        metrics.DecrementConnections("t1");
        _time.Advance(TimeSpan.FromSeconds(6));

        metrics.RecordConnectionDurations();
        _time.Advance(TimeSpan.FromSeconds(3));
        metrics.DecrementConnections("t1");
        _time.Advance(TimeSpan.FromSeconds(10));
        metrics.RecordConnectionDurations();
        metrics.RecordConnectionDurations();

        var text = Scrape(metrics);
        text.Should().Contain($"hono_connections_authenticated_duration_seconds_count{{{Common},tenant=\"t1\"}} 2.0\n", "a tick without connections and without connected time records nothing");
        text.Should().Contain($"hono_connections_authenticated_duration_seconds_sum{{{Common},tenant=\"t1\"}} 17.0\n", "2 × 4 s + 1 × 6 s, then 1 × 3 s");
    }

    [Test]
    public void AmqpCounters_TakeTypeAndTenantFromTheAddress()
    {
        var metrics = new PrometheusMetrics(_time, "h1");

        metrics.ReportAmqpNoCredit("telemetry/t1");
        metrics.ReportAmqpTimeout("event/t1");
        metrics.ReportAmqpTimeout("event/t1");

        var text = Scrape(metrics);
        text.Should().Contain($"hono_amqp_nocredit_total{{{Common},tenant=\"t1\",type=\"telemetry\"}} 1.0\n");
        text.Should().Contain($"hono_amqp_timeout_total{{{Common},tenant=\"t1\",type=\"event\"}} 2.0\n");
    }

    [Test]
    public void WriteTo_IncludesRuntimeMetricsUnderNonHonoNames()
    {
        var text = Scrape(new PrometheusMetrics(_time, "h1"));

        text.Should().Contain("# TYPE process_working_set_bytes gauge\n");
        text.Should().Contain("# TYPE process_cpu_seconds_total counter\n");
        text.Should().Contain($"dotnet_gc_collections_total{{{Components},generation=\"gen0\",host=\"h1\"}}");
        text.Should().Contain("dotnet_threadpool_threads{");
    }

    [Test]
    public void WriteTo_EscapesLabelValues()
    {
        var metrics = new PrometheusMetrics(_time, "h1");

        metrics.ReportConnectionAttempt(ConnectionAttemptOutcome.Succeeded, "a\"b\\c\nd", null);

        Scrape(metrics).Should().Contain("tenant=\"a\\\"b\\\\c\\nd\"");
    }

    [TestCase(1.0, "1.0")]
    [TestCase(0.0, "0.0")]
    [TestCase(0.25, "0.25")]
    [TestCase(-3.0, "-3.0")]
    [TestCase(double.NaN, "NaN")]
    [TestCase(double.PositiveInfinity, "+Inf")]
    public void FormatValue_PrintsLikeJava(double value, string expected) =>
        PrometheusText.FormatValue(value).Should().Be(expected);

    [TestCase("component-type", "component_type")]
    [TestCase("cipher-suite", "cipher_suite")]
    [TestCase("tenant", "tenant")]
    [TestCase("a.b", "a_b")]
    public void LabelName_FollowsMicrometersPrometheusNamingConvention(string key, string label) =>
        PrometheusText.LabelName(key).Should().Be(label);
}
