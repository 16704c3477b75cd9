using FluentAssertions;
using HonoMqtt.Adapter.Commands;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Commands;

// Spec downstream-amqp.md §7.3; Hono Commands.encodeRequestIdParameters / decodeRequestIdParameters and CommandsTest.
public sealed class RequestIdTests
{
    [Test]
    public void Encode_ReplyIdWithoutDevice_IsFlagZeroLengthCorrelationReply()
    {
        RequestId.Encode("myCorrelationId", "myReplyToId", "myDeviceId").Should().Be("00fmyCorrelationIdmyReplyToId");
    }

    [Test]
    public void Encode_ReplyIdStartingWithDevice_StripsItAndSetsBitZero()
    {
        RequestId.Encode("myCorrelationId", "myDeviceId/myReplyId", "myDeviceId").Should().Be("10fmyCorrelationIdmyReplyId");
    }

    [Test]
    public void Encode_Kafka_SetsBitOne()
    {
        RequestId.Encode("c", "myDeviceId/r", "myDeviceId", kafka: true).Should().Be("301cr");
    }

    [Test]
    public void Encode_NoReplyId_IsCorrelationOnly()
    {
        RequestId.Encode("myCorrelationId", null, "myDeviceId").Should().Be("00fmyCorrelationId");
    }

    [Test]
    public void Encode_LongCorrelationId_UsesJavaFormatting()
    {
        // String.format("%02x", 300) is "12c": ids of 256 characters or more break the two-digit length, as in Hono.
        RequestId.Encode(new string('x', 300), "r", "d").Should().StartWith("012c");
    }

    [TestCase("myCorrelationId", "myReplyToId", "myDeviceId")]
    [TestCase("myCorrelationId", "myDeviceId/myReplyId", "myDeviceId")]
    [TestCase("myCorrelationId", "", "myDeviceId")]
    [TestCase("", "reply", "d")]
    [TestCase("id/with/slashes", "d/x/y", "d")]
    [TestCase("ünïcødé", "d2/r", "d")]
    public void TryDecode_WhatEncodeMade_YieldsCorrelationAndReplyId(string correlationId, string replyToId, string deviceId)
    {
        var requestId = RequestId.Encode(correlationId, replyToId, deviceId);

        RequestId.TryDecode(requestId, deviceId, out var decodedCorrelation, out var decodedReply, out var kafka).Should().BeTrue();

        decodedCorrelation.Should().Be(correlationId);
        decodedReply.Should().Be(replyToId);
        kafka.Should().BeFalse();
    }

    [Test]
    public void TryDecode_KafkaFlag_IsReported()
    {
        RequestId.TryDecode("301cr", "dev", out var correlation, out var reply, out var kafka).Should().BeTrue();

        (correlation, reply, kafka).Should().Be(("c", "dev/r", true));
    }

    [Test]
    public void TryDecode_UsesTheRespondingDevice()
    {
        // The device prefix comes back from the topic's device, not from the request id.
        RequestId.TryDecode("101cr", "edge-7", out _, out var reply, out _).Should().BeTrue();

        reply.Should().Be("edge-7/r");
    }

    [TestCase("00Bcorrelationreply", "correlation", "reply")] // Integer.parseInt(s, 16) takes upper case
    [TestCase("0+3abcR", "abc", "R")]                         // and a sign
    [TestCase("000", "", "")]
    public void TryDecode_JavaParsingEdgeCases_Decode(string requestId, string correlationId, string replyToId)
    {
        RequestId.TryDecode(requestId, "d", out var decodedCorrelation, out var decodedReply, out _).Should().BeTrue();

        decodedCorrelation.Should().Be(correlationId);
        decodedReply.Should().Be(replyToId);
    }

    [TestCase("")]
    [TestCase("0")]
    [TestCase("00")]
    [TestCase("x0fabc")]     // flag not a digit
    [TestCase("-01a")]       // flag not a digit
    [TestCase("0zzabc")]     // length not hex
    [TestCase("0-1abc")]     // negative length
    [TestCase("005abc")]     // longer than the rest
    [TestCase("0ffabc")]
    public void TryDecode_Invalid_Fails(string requestId)
    {
        RequestId.TryDecode(requestId, "d", out _, out _, out _).Should().BeFalse();
    }
}
