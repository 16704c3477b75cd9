using System.Text;
using FluentAssertions;
using HonoMqtt.Adapter.Protocol;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Protocol;

public sealed class ErrorMessageTests
{
    private static ErrorSubscriptionFilter Filter(string text)
    {
        ErrorSubscriptionFilter.TryParse(text, out var filter).Should().BeTrue(text);
        return filter!;
    }

    [TestCase("error///#", "d1", "d1", "telemetry", "abc", 503, "error///telemetry/abc/503")]
    [TestCase("e/t1//#", "d1", "d1", "t", null, 400, "e/t1//t/-1/400")]
    [TestCase("error//d1/#", "d1", "d1", "event", "", 429, "error//d1/event/-1/429")]
    [TestCase("error//+/#", "gw", "edge", "e", "5", 404, "error//edge/e/5/404")]
    [TestCase("error///#", "d1", "d1", "command", "1", 400, "error///command-response/1/400")]
    [TestCase("error///#", "d1", "d1", "c", "1", 400, "error///c-s/1/400")]
    [TestCase("error///#", "d1", "d1", "bogus", "1", 404, "error///unknown/1/404")]
    public void Topic_FollowsHonosErrorSubscription(string filter, string subscriptionDevice, string messageDevice, string endpoint,
        string? correlationId, int status, string expected) =>
        ErrorMessage.Topic(Filter(filter), subscriptionDevice, messageDevice, endpoint, correlationId, status).Should().Be(expected);

    [TestCase("error//#")]
    [TestCase("error///")]
    [TestCase("error/+//#")]
    [TestCase("errors///#")]
    [TestCase("error////#")]
    public void TryParse_InvalidFilters_AreRefused(string filter) => ErrorSubscriptionFilter.TryParse(filter, out _).Should().BeFalse();

    [Test]
    public void Payload_TimestampIsJavasIsoInstantOfMilliseconds()
    {
        var withMillis = Encoding.UTF8.GetString(ErrorMessage.Payload(new HonoError(503, "x"), "c", new DateTimeOffset(2024, 5, 1, 12, 0, 0, 123, TimeSpan.FromHours(2))));
        var whole = Encoding.UTF8.GetString(ErrorMessage.Payload(new HonoError(503, "x"), null, new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero)));

        withMillis.Should().Be("""{"code":503,"message":"x","timestamp":"2024-05-01T10:00:00.123Z","correlation-id":"c"}""");
        whole.Should().Be("""{"code":503,"message":"x","timestamp":"2024-05-01T10:00:00Z","correlation-id":"-1"}""");
    }

    [TestCase(400, HonoErrorKind.Topic, MqttPubAckReasonCode.TopicNameInvalid)]
    [TestCase(404, HonoErrorKind.Topic, MqttPubAckReasonCode.TopicNameInvalid)]
    [TestCase(400, HonoErrorKind.Payload, MqttPubAckReasonCode.PayloadFormatInvalid)]
    [TestCase(403, HonoErrorKind.General, MqttPubAckReasonCode.NotAuthorized)]
    [TestCase(404, HonoErrorKind.General, MqttPubAckReasonCode.NotAuthorized)]
    [TestCase(429, HonoErrorKind.General, MqttPubAckReasonCode.QuotaExceeded)]
    [TestCase(400, HonoErrorKind.General, MqttPubAckReasonCode.ImplementationSpecificError)]
    [TestCase(500, HonoErrorKind.General, MqttPubAckReasonCode.UnspecifiedError)]
    [TestCase(503, HonoErrorKind.General, MqttPubAckReasonCode.UnspecifiedError)]
    public void PubAckTable_MapsEachRow(int status, HonoErrorKind kind, MqttPubAckReasonCode expected) =>
        PubAckTable.ToReasonCode(new HonoError(status, "x", kind)).Should().Be(expected);

    [Test]
    public void PubAckTable_AResourceLimitRejectionIsQuotaExceeded() =>
        PubAckTable.ToReasonCode(HonoError.ResourceLimitExceeded).Should().Be(MqttPubAckReasonCode.QuotaExceeded);
}
