using Warden.Core.Inference;

namespace Warden.Core.Tests.Inference;

public sealed class RequestIdsTests
{
    [Fact]
    public void Ids_are_version_7_guids_carrying_the_timestamp_like_the_runtimes()
    {
        var now = new DateTimeOffset(2026, 12, 7, 12, 0, 0, 123, TimeSpan.Zero);
        var id = RequestIds.NewGuid(now);
        var reference = Guid.CreateVersion7(now);

        Assert.Equal(7, id.Version);
        Assert.Equal(reference.Version, id.Version);
        // RFC 9562 variant: the top two bits of octet 8 are 10 (Guid.Variant gives the top four, 8 to 11).
        Assert.Equal(reference.Variant >> 2, id.Variant >> 2);
        Assert.Equal(0b10, id.Variant >> 2);
        // The first 48 bits are the Unix milliseconds, as in the runtime's own version 7 GUIDs.
        Assert.Equal(reference.ToString()[..13], id.ToString()[..13]);
        Assert.Equal(now.ToUnixTimeMilliseconds(), Convert.ToInt64(id.ToString("N")[..12], 16));
    }

    [Fact]
    public void Ids_do_not_repeat_across_many_buffer_refills_and_threads()
    {
        var now = DateTimeOffset.UtcNow;
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                ids.Add(RequestIds.NewId(now));
            }
        });

        Assert.Equal(20_000, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids.Take(100), id => Assert.Equal(7, Guid.Parse(id).Version));
    }

    [Fact]
    public void A_timestamp_before_1970_is_refused_as_the_runtime_refuses_it()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RequestIds.NewGuid(new DateTimeOffset(1969, 12, 31, 0, 0, 0, TimeSpan.Zero)));
    }
}
