using Amqp;
using Amqp.Framing;
using FluentAssertions;
using HonoMqtt.Adapter.Commands;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Commands;

// Spec downstream-amqp.md §7.1; Hono ProtonBasedMappingAndDelegatingCommandHandler and ProtonBasedCommand.from.
public sealed class CommandParserTests
{
    [Test]
    public void TryParse_RequestResponseCommand_YieldsItsParts()
    {
        var message = Valid();

        CommandParser.TryParse(message, "t1", null, out var command, out _).Should().BeTrue();

        command!.TenantId.Should().Be("t1");
        command.DeviceId.Should().Be("d1");
        command.Name.Should().Be("setBrightness");
        command.CorrelationId.Should().Be("corr-1");
        command.ReplyToId.Should().Be("app/reply-1");
        command.IsOneWay.Should().BeFalse();
        command.Payload.Should().Equal("{}"u8.ToArray());
        command.RequestId.Should().Be(RequestId.Encode("corr-1", "app/reply-1", "d1"));
    }

    [Test]
    public void TryParse_WithoutCorrelationId_UsesMessageId()
    {
        var message = Valid();
        message.Properties.CorrelationId = null;

        CommandParser.TryParse(message, "t1", null, out var command, out _).Should().BeTrue();

        command!.CorrelationId.Should().Be("msg-1");
    }

    [Test]
    public void TryParse_WithoutReplyTo_IsOneWay()
    {
        var message = Valid();
        message.Properties.ReplyTo = null;

        CommandParser.TryParse(message, "t1", null, out var command, out _).Should().BeTrue();

        command!.IsOneWay.Should().BeTrue();
        command.RequestId.Should().BeNull();
    }

    [Test]
    public void TryParse_OneWayWithoutAnyId_IsValid()
    {
        var message = Valid();
        message.Properties.ReplyTo = null;
        message.Properties.CorrelationId = null;
        message.Properties.MessageId = null;

        CommandParser.TryParse(message, "t1", null, out _, out _).Should().BeTrue();
    }

    [Test]
    public void TryParse_NoBody_HasEmptyPayload()
    {
        var message = Valid();
        message.BodySection = null;

        CommandParser.TryParse(message, "t1", null, out var command, out _).Should().BeTrue();

        command!.Payload.Should().BeEmpty();
    }

    [Test]
    public void TryParse_AmqpValueString_IsUtf8()
    {
        var message = Valid();
        message.BodySection = new AmqpValue { Value = "ä" };

        CommandParser.TryParse(message, "t1", null, out var command, out _).Should().BeTrue();

        command!.Payload.Should().Equal("ä"u8.ToArray());
    }

    [Test]
    public void TryParse_NoToOnDeviceLink_UsesTheLinkAddress()
    {
        var message = Valid();
        message.Properties.To = null;

        CommandParser.TryParse(message, "t1", "command/t1/d9", out var command, out _).Should().BeTrue();

        command!.DeviceId.Should().Be("d9");
    }

    [TestCase(null, "hono:bad-request", "missing or invalid command target address")]
    [TestCase("", "hono:bad-request", "missing or invalid command target address")]
    [TestCase("/t1/d1", "hono:bad-request", "missing or invalid command target address")]
    [TestCase("command/t2/d1", "amqp:unauthorized-access", "unauthorized to send command to tenant")]
    [TestCase("command", "amqp:unauthorized-access", "unauthorized to send command to tenant")]
    [TestCase("command/t1", "hono:bad-request", "invalid command target address")]
    [TestCase("command/t1/", "hono:bad-request", "invalid command target address")]
    public void TryParse_BadTarget_IsRejected(string? to, string condition, string description)
    {
        var message = Valid();
        message.Properties.To = to;

        CommandParser.TryParse(message, "t1", null, out _, out var rejection).Should().BeFalse();

        rejection!.Condition.ToString().Should().Be(condition);
        rejection.Description.Should().Be(description);
    }

    private static IEnumerable<TestCaseData> MalformedCases()
    {
        yield return new TestCaseData(new Action<Message>(m => m.Properties.Subject = null)).SetName("no subject");
        yield return new TestCaseData(new Action<Message>(m => m.BodySection = new AmqpValue { Value = null })).SetName("empty amqp-value");
        yield return new TestCaseData(new Action<Message>(m => m.BodySection = new AmqpValue { Value = 42 })).SetName("amqp-value int");
        yield return new TestCaseData(new Action<Message>(m => m.BodySection = new AmqpSequence { List = new List<object> { 1 } })).SetName("amqp-sequence");
        yield return new TestCaseData(new Action<Message>(m => m.Properties.SetCorrelationId(42UL))).SetName("correlation-id not a string");
        yield return new TestCaseData(new Action<Message>(m =>
        {
            m.Properties.CorrelationId = null;
            m.Properties.SetMessageId(Guid.NewGuid());
        })).SetName("message-id not a string");
        yield return new TestCaseData(new Action<Message>(m =>
        {
            m.Properties.CorrelationId = null;
            m.Properties.MessageId = null;
        })).SetName("reply-to without ids");
        yield return new TestCaseData(new Action<Message>(m => m.Properties.ReplyTo = "command_response/t2/x")).SetName("reply-to other tenant");
        yield return new TestCaseData(new Action<Message>(m => m.Properties.ReplyTo = "command_response/t1/")).SetName("reply-to without id");
        yield return new TestCaseData(new Action<Message>(m => m.Properties.ReplyTo = "command_response/t1")).SetName("reply-to tenant only");
        yield return new TestCaseData(new Action<Message>(m => m.Properties.ReplyTo = "telemetry/t1/x")).SetName("reply-to other endpoint");
    }

    [TestCaseSource(nameof(MalformedCases))]
    public void TryParse_Malformed_IsRejectedAsBadRequest(Action<Message> spoil)
    {
        var message = Valid();
        spoil(message);

        CommandParser.TryParse(message, "t1", null, out _, out var rejection).Should().BeFalse();

        rejection!.Condition.ToString().Should().Be("hono:bad-request");
        rejection.Description.Should().Be("malformed command message");
    }

    private static Message Valid() => new()
    {
        Properties = new Properties
        {
            To = "command/t1/d1",
            Subject = "setBrightness",
            MessageId = "msg-1",
            CorrelationId = "corr-1",
            ReplyTo = "command_response/t1/app/reply-1",
        },
        BodySection = new Data { Binary = "{}"u8.ToArray() },
    };
}
