namespace Warden.Training;

/// <summary>
/// Fisher–Yates shuffle driven by SplitMix64 (Steele, Lea &amp; Flood 2014, "Fast splittable pseudorandom number
/// generators", OOPSLA). Written out rather than using <see cref="Random"/> because the committed sample model must be
/// reproducible on any .NET version, and the runtime does not promise a seeded <see cref="Random"/> sequence forever.
/// </summary>
internal sealed class SeededShuffle(int seed)
{
    private ulong _state = unchecked((ulong)seed);

    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            // Modulo bias is below 2^-50 for the list sizes used here.
            var j = (int)(Next() % (ulong)(i + 1));
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    internal ulong Next()
    {
        unchecked
        {
            _state += 0x9E3779B97F4A7C15UL;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
