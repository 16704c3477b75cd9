using FluentAssertions;
using HonoMqtt.Adapter.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Protocol;

// Expected values follow Netty's QueryStringDecoder (default settings) and vert.x's caseInsensitiveMultiMap,
// which Hono's PropertyBag.fromTopic combines (spec mqtt-adapter.md §3.1).
public sealed class PropertyBagTests
{
    [Test]
    public void TryParse_NoBag_ReturnsTopicAndEmptyBag()
    {
        PropertyBag.TryParse("telemetry/tenant/device", out var topic, out var bag).Should().BeTrue();

        topic.Should().Be("telemetry/tenant/device");
        bag.Should().BeSameAs(PropertyBag.Empty);
        bag.IsEmpty.Should().BeTrue();
    }

    [Test]
    public void TryParse_SimpleBag_SplitsTopicAndProperties()
    {
        PropertyBag.TryParse("event/tenant/device/?content-type=text/plain&hono-ttl=30", out var topic, out var bag)
            .Should().BeTrue();

        topic.Should().Be("event/tenant/device");
        bag.Get(PropertyBag.ContentType).Should().Be("text/plain");
        bag.Get(PropertyBag.HonoTtl).Should().Be("30");
        bag.Entries.Should().Equal(Pairs(("content-type", "text/plain"), ("hono-ttl", "30")));
    }

    [Test]
    public void TryParse_BagAtIndexZero_Fails()
    {
        PropertyBag.TryParse("/?a=b", out _, out _).Should().BeFalse();
    }

    [Test]
    public void TryParse_SeveralBagMarkers_LastOneWins()
    {
        PropertyBag.TryParse("t/?a=1/?b=2", out var topic, out var bag).Should().BeTrue();

        topic.Should().Be("t/?a=1");
        bag.Get("b").Should().Be("2");
        bag.Contains("a").Should().BeFalse();
    }

    [Test]
    public void TryParse_QuestionMarkWithoutSlash_IsPartOfTheTopic()
    {
        PropertyBag.TryParse("t?a=1", out var topic, out var bag).Should().BeTrue();

        topic.Should().Be("t?a=1");
        bag.IsEmpty.Should().BeTrue();
    }

    [Test]
    public void TryParse_EmptyBag_YieldsNoProperties()
    {
        PropertyBag.TryParse("t/tenant/device/?", out var topic, out var bag).Should().BeTrue();

        topic.Should().Be("t/tenant/device");
        bag.IsEmpty.Should().BeTrue();
    }

    [Test]
    public void TryParse_BagAfterEmptySegments_KeepsThemInTheTopic()
    {
        PropertyBag.TryParse("t//?a=b", out var topic, out _).Should().BeTrue();

        topic.Should().Be("t/");
    }

    [Test]
    public void TryParse_SemicolonUnencoded_SeparatesParameters()
    {
        PropertyBag.TryParse("t/?content-type=text/plain;charset=utf-8", out _, out var bag).Should().BeTrue();

        bag.Get("content-type").Should().Be("text/plain");
        bag.Get("charset").Should().Be("utf-8");
    }

    [Test]
    public void TryParse_SemicolonPercentEncoded_StaysInValue()
    {
        PropertyBag.TryParse("t/?content-type=text/plain%3Bcharset%3Dutf-8", out _, out var bag).Should().BeTrue();

        bag.Get("content-type").Should().Be("text/plain;charset=utf-8");
    }

    [Test]
    public void TryParse_Plus_DecodesToSpace()
    {
        PropertyBag.TryParse("t/?my+key=a+b%2Bc", out _, out var bag).Should().BeTrue();

        bag.Get("my key").Should().Be("a b+c");
    }

    [Test]
    public void TryParse_PercentEscapes_DecodeAsUtf8()
    {
        PropertyBag.TryParse("t/?k%C3%A9y=caf%C3%A9%20%E2%98%BA", out _, out var bag).Should().BeTrue();

        bag.Get("kéy").Should().Be("café ☺");
    }

    [Test]
    public void TryParse_InvalidUtf8Escape_DecodesToReplacementCharacter()
    {
        PropertyBag.TryParse("t/?k=%FF", out _, out var bag).Should().BeTrue();

        bag.Get("k").Should().Be("\uFFFD");
    }

    [TestCase("t/?k=%")]
    [TestCase("t/?k=%2")]
    [TestCase("t/?k=%zz")]
    [TestCase("t/?k=%2g")]
    [TestCase("t/?k%=v")]
    [TestCase("t/?ok=1&k=%4")]
    public void TryParse_MalformedPercentEscape_Fails(string topic)
    {
        PropertyBag.TryParse(topic, out _, out _).Should().BeFalse();
    }

    [Test]
    public void TryParse_KeyWithoutEquals_HasEmptyValue()
    {
        PropertyBag.TryParse("t/?flag&k=v", out _, out var bag).Should().BeTrue();

        bag.Contains("flag").Should().BeTrue();
        bag.Get("flag").Should().Be(string.Empty);
        bag.Get("k").Should().Be("v");
    }

    [Test]
    public void TryParse_KeyWithEmptyValue_HasEmptyValue()
    {
        PropertyBag.TryParse("t/?k=", out _, out var bag).Should().BeTrue();

        bag.Get("k").Should().Be(string.Empty);
    }

    [Test]
    public void TryParse_LeadingEquals_IsSkipped()
    {
        // Netty: an '=' at the start of a parameter moves the name start past it.
        PropertyBag.TryParse("t/?=v", out _, out var bag).Should().BeTrue();

        bag.Entries.Should().Equal(Pairs(("v", string.Empty)));
    }

    [Test]
    public void TryParse_SecondEquals_BelongsToValue()
    {
        PropertyBag.TryParse("t/?k=a=b", out _, out var bag).Should().BeTrue();

        bag.Get("k").Should().Be("a=b");
    }

    [Test]
    public void TryParse_EmptyParameters_AreSkipped()
    {
        PropertyBag.TryParse("t/?&&k=v;;&", out _, out var bag).Should().BeTrue();

        bag.Entries.Should().Equal(Pairs(("k", "v")));
    }

    [Test]
    public void TryParse_Hash_EndsTheQuery()
    {
        PropertyBag.TryParse("t/?k=v#x=%zz", out _, out var bag).Should().BeTrue();

        bag.Entries.Should().Equal(Pairs(("k", "v")));
    }

    [Test]
    public void TryParse_MoreThan1024Parameters_DropsTheRest()
    {
        var query = string.Join('&', Enumerable.Range(0, 1030).Select(i => $"k{i}=v"));

        PropertyBag.TryParse("t/?" + query + "&bad=%zz", out _, out var bag).Should().BeTrue();

        bag.Entries.Should().HaveCount(1024);
        bag.Contains("k1023").Should().BeTrue();
        bag.Contains("k1024").Should().BeFalse();
    }

    [Test]
    public void Get_RepeatedKey_FirstValueWins()
    {
        PropertyBag.TryParse("t/?k=1&k=2", out _, out var bag).Should().BeTrue();

        bag.Get("k").Should().Be("1");
    }

    [Test]
    public void Get_KeyInOtherCase_IsFound()
    {
        PropertyBag.TryParse("t/?Content-Type=text/plain", out _, out var bag).Should().BeTrue();

        bag.Get("content-type").Should().Be("text/plain");
        bag.Get("CONTENT-TYPE").Should().Be("text/plain");
        bag.Contains("cOnTeNt-TyPe").Should().BeTrue();
    }

    [Test]
    public void Get_ValueCase_IsKept()
    {
        PropertyBag.TryParse("t/?on-error=Ignore", out _, out var bag).Should().BeTrue();

        bag.Get(PropertyBag.OnError).Should().Be("Ignore");
    }

    [Test]
    public void Get_RepeatedKeyInDifferentCases_FirstOccurrenceWins()
    {
        PropertyBag.TryParse("t/?K=1&k=2&K=3", out _, out var bag).Should().BeTrue();

        bag.Get("k").Should().Be("1");
    }

    [Test]
    public void Entries_RepeatedKeys_AreGroupedByExactKeyInFirstOccurrenceOrder()
    {
        // Hono adds Netty's Map<String, List<String>> to the MultiMap key by key.
        PropertyBag.TryParse("t/?K=1&k=2&K=3", out _, out var bag).Should().BeTrue();

        bag.Entries.Should().Equal(Pairs(("K", "1"), ("K", "3"), ("k", "2")));
    }

    [Test]
    public void Get_NonAsciiKeyInOtherCase_IsNotFound()
    {
        // vert.x folds ASCII letters only.
        PropertyBag.TryParse("t/?%C3%84=1", out _, out var bag).Should().BeTrue();

        bag.Get("Ä").Should().Be("1");
        bag.Get("ä").Should().BeNull();
    }

    [Test]
    public void Get_MissingKey_ReturnsNull()
    {
        PropertyBag.Empty.Get(PropertyBag.CorrelationId).Should().BeNull();
        PropertyBag.Empty.Contains(PropertyBag.CorrelationId).Should().BeFalse();
    }

    [Test]
    public void WellKnownKeys_HaveHonoNames()
    {
        PropertyBag.ContentType.Should().Be("content-type");
        PropertyBag.HonoTtl.Should().Be("hono-ttl");
        PropertyBag.OnError.Should().Be("on-error");
        PropertyBag.CorrelationId.Should().Be("correlation-id");
    }

    private static KeyValuePair<string, string>[] Pairs(params (string Key, string Value)[] pairs) =>
        [.. pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value))];
}
