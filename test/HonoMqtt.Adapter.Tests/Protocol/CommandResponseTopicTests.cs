using FluentAssertions;
using HonoMqtt.Adapter.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Protocol;

// Spec mqtt-adapter.md §6.4; Hono AbstractVertxBasedMqttProtocolAdapter.uploadCommandResponseMessage and
// CommandResponse.fromRequestId.
public sealed class CommandResponseTopicTests
{
    [TestCase("command///res/req-1/200", "req-1", 200)]
    [TestCase("c///s/req-1/299", "req-1", 299)]
    [TestCase("command//edge/res/0a1b/400", "0a1b", 400)]
    [TestCase("c/tenant/device/s/abc/599", "abc", 599)]
    [TestCase("c///q/req-1/204", "req-1", 204)]
    [TestCase("c///anything/req-1/204", "req-1", 204)]
    [TestCase("c///s/req-1/200/extra", "req-1", 200)]
    [TestCase("c///s/req-1/200/?content-type=text%2Fplain", "req-1", 200)]
    public void TryParse_ValidTopic_YieldsRequestIdAndStatus(string topicName, string requestId, int status)
    {
        CommandResponseTopic.TryParse(Parse(topicName), out var parsedId, out var parsedStatus, out _).Should().BeTrue();

        parsedId.Should().Be(requestId);
        parsedStatus.Should().Be(status);
    }

    [TestCase("c")]
    [TestCase("c///s")]
    [TestCase("c///s/req-1")]
    [TestCase("c///s/req-1/")]
    [TestCase("c/tenant/device/s/req-1/?a=b")]
    public void TryParse_TooFewSegments_Fails400(string topicName)
    {
        CommandResponseTopic.TryParse(Parse(topicName), out _, out _, out var error).Should().BeFalse();

        error.Should().Be(new HonoError(400, "command response topic has too few segments"));
    }

    [TestCase("c///s/req-1/ok")]
    [TestCase("c///s/req-1/200.0")]
    [TestCase("c///s/req-1/ 200")]
    [TestCase("c///s/req-1/0x0C8")]
    [TestCase("c///s/req-1/+")]
    [TestCase("c///s/req-1/99999999999")]
    [TestCase("c///s/req-1//extra")]
    public void TryParse_StatusNotAnInt_Fails400(string topicName)
    {
        CommandResponseTopic.TryParse(Parse(topicName), out _, out _, out var error).Should().BeFalse();

        error.Should().Be(new HonoError(400, "invalid status code"));
    }

    [TestCase("c///s/req-1/199")]
    [TestCase("c///s/req-1/300")]
    [TestCase("c///s/req-1/399")]
    [TestCase("c///s/req-1/600")]
    [TestCase("c///s/req-1/0")]
    [TestCase("c///s/req-1/-200")]
    [TestCase("c///s//200")]
    public void TryParse_StatusOutOfRangeOrEmptyRequestId_Fails400(string topicName)
    {
        CommandResponseTopic.TryParse(Parse(topicName), out _, out _, out var error).Should().BeFalse();

        error.Should().Be(new HonoError(400, "command response topic contains invalid data"));
    }

    [TestCase("c///s/req-1/+200", 200)]
    [TestCase("c///s/req-1/0200", 200)]
    [TestCase("c///s/req-1/\u0662\u0660\u0660", 200)]
    [TestCase("c///s/req-1/\uFF12\uFF10\uFF10", 200)]
    public void TryParse_JavaParseIntForms_AreAccepted(string topicName, int status)
    {
        // Integer.parseInt accepts a '+' sign, leading zeros and decimal digits of any script
        // (checked with OpenJDK 17, like the edge cases below).
        CommandResponseTopic.TryParse(Parse(topicName), out _, out var parsedStatus, out _).Should().BeTrue();

        parsedStatus.Should().Be(status);
    }

    [TestCase("2147483647", true, int.MaxValue)]
    [TestCase("-2147483648", true, int.MinValue)]
    [TestCase("2147483648", false, 0)]
    [TestCase("-", false, 0)]
    [TestCase("", false, 0)]
    [TestCase("\u00B2", false, 0)]
    [TestCase("1_0", false, 0)]
    [TestCase(" 200", false, 0)]
    public void TryParseJavaInt_EdgeCases_BehaveLikeJava(string text, bool ok, int value)
    {
        CommandResponseTopic.TryParseJavaInt(text, out var parsed).Should().Be(ok);

        parsed.Should().Be(value);
    }

    private static PublishTopic Parse(string topic)
    {
        HonoTopic.TryParsePublish(topic, out var result, out var error).Should().BeTrue(error.ToString());
        return result!;
    }
}
