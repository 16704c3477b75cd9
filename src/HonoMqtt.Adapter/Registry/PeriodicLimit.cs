namespace HonoMqtt.Adapter.Registry;

/// <summary>
/// A limit per accounting period [Hono resource-limits <c>data-volume</c> (<c>max-bytes</c>) and
/// <c>connection-duration</c> (<c>max-minutes</c>)]: <c>-1</c> = unlimited; periods are calendar months (the first one
/// starting at <c>effective-since</c>, pro-rated) or <c>no-of-days</c> days from <c>effective-since</c>.
/// </summary>
public sealed record PeriodicLimit(DateTimeOffset EffectiveSince, long Max, bool Monthly, int NoOfDays)
{
    /// <summary>The start of the accounting period that contains <paramref name="now"/>.</summary>
    public DateTimeOffset PeriodStart(DateTimeOffset now)
    {
        var since = EffectiveSince.ToUniversalTime();
        if (now < since)
        {
            return since;
        }

        if (Monthly)
        {
            var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
            return monthStart <= since ? since : monthStart;
        }

        var days = Math.Max(1, NoOfDays);
        var periods = (long)((now - since).TotalDays / days);
        return since.AddDays(periods * (double)days);
    }

    /// <summary>
    /// The limit in force at <paramref name="now"/> [Hono PrometheusBasedAsyncCacheLoader.calculateEffectiveLimit]:
    /// 0 before <c>effective-since</c>; in the first, partial month the maximum pro-rated by minutes, rounded up.
    /// </summary>
    public long EffectiveLimit(DateTimeOffset now)
    {
        var since = EffectiveSince.ToUniversalTime();
        if (Max < 0)
        {
            return -1;
        }

        if (now < since)
        {
            return 0;
        }

        if (!Monthly || PeriodStart(now) != since || since.Day == 1 && since.TimeOfDay == TimeSpan.Zero)
        {
            return Max;
        }

        var nextMonth = new DateTimeOffset(since.Year, since.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        var minutesInMonth = (nextMonth - nextMonth.AddMonths(-1)).TotalMinutes;
        var minutesLeft = Math.Max(1, Math.Ceiling((nextMonth - since).TotalMinutes));
        return (long)Math.Ceiling(minutesLeft * Max / minutesInMonth);
    }
}
