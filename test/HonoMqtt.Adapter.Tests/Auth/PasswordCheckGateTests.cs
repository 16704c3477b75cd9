using FluentAssertions;
using HonoMqtt.Adapter.Auth;
using HonoMqtt.Adapter.Options;
using HonoMqtt.Adapter.Registry;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Auth;

public sealed class PasswordCheckGateTests
{
    // Hashes made with BCrypt.Net at the given cost while writing the test; the test does not rely on their speed
    // beyond "a cost-12 check takes longer than 1 ms".
    private static SecretInfo Bcrypt(string password, int cost = 12) =>
        new(true, null, null, "bcrypt", BCrypt.Net.BCrypt.HashPassword(password, cost), null);

    private static PasswordCheckGate Gate(int concurrency = 1, int queueTimeout = 1, int cacheSize = 100) =>
        new(new MqttAdapterOptions
        {
            PasswordCheckConcurrency = concurrency, PasswordCheckQueueTimeout = queueTimeout, VerifiedCredentialsCacheSize = cacheSize,
        });

    [Test]
    public async Task MatchesAsync_AllSlotsBusy_GivesUpAfterTheQueueTimeout()
    {
        using var gate = Gate();
        var slow = gate.MatchesAsync("t", "a", Bcrypt("one"), "one", CancellationToken.None).AsTask();

        var queued = await gate.MatchesAsync("t", "b", Bcrypt("two", 4), "two", CancellationToken.None);

        queued.Should().BeNull("the only slot is taken by the slow check");
        (await slow).Should().BeTrue();
    }

    [Test]
    public async Task MatchesAsync_AVerifiedPasswordAgain_IsAnsweredFromTheCacheWithoutASlot()
    {
        using var gate = Gate();
        var secret = Bcrypt("one", 4);
        (await gate.MatchesAsync("t", "a", secret, "one", CancellationToken.None)).Should().BeTrue();
        var slow = gate.MatchesAsync("t", "b", Bcrypt("two"), "two", CancellationToken.None).AsTask();

        (await gate.MatchesAsync("t", "a", secret, "one", CancellationToken.None)).Should().BeTrue("remembered");
        (await gate.MatchesAsync("t", "a", secret, "wrong", CancellationToken.None)).Should().BeNull("a different password needs a real check");
        await slow;
    }

    [Test]
    public async Task MatchesAsync_AChangedSecret_IsNotAnsweredFromTheCache()
    {
        using var gate = Gate(concurrency: 2, queueTimeout: 10_000);
        (await gate.MatchesAsync("t", "a", Bcrypt("one", 4), "one", CancellationToken.None)).Should().BeTrue();

        (await gate.MatchesAsync("t", "a", Bcrypt("other", 4), "one", CancellationToken.None)).Should().BeFalse();
    }

    [Test]
    public async Task MatchesAsync_ShaSecrets_NeedNoSlot()
    {
        using var gate = Gate();
        var (function, hash, salt) = PasswordVerifier.HashPlainPassword("pw");
        var slow = gate.MatchesAsync("t", "b", Bcrypt("two"), "two", CancellationToken.None).AsTask();

        (await gate.MatchesAsync("t", "a", new SecretInfo(true, null, null, function, hash, salt), "pw", CancellationToken.None)).Should().BeTrue();
        await slow;
    }
}
