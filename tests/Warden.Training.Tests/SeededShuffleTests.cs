namespace Warden.Training.Tests;

public class SeededShuffleTests
{
    [Fact]
    public void Generator_matches_the_splitmix64_reference_sequence_for_seed_zero()
    {
        // Reference outputs of splitmix64.c (Vigna, https://prng.di.unimi.it/splitmix64.c) started from x = 0.
        var generator = new SeededShuffle(0);

        Assert.Equal(0xE220A8397B1DCDAFUL, generator.Next());
        Assert.Equal(0x6E789E6AA1B965F4UL, generator.Next());
        Assert.Equal(0x06C45D188009454FUL, generator.Next());
    }

    [Fact]
    public void Shuffle_is_a_permutation_that_depends_on_the_seed()
    {
        var a = Enumerable.Range(0, 50).ToArray();
        var b = Enumerable.Range(0, 50).ToArray();
        var c = Enumerable.Range(0, 50).ToArray();

        new SeededShuffle(42).Shuffle(a);
        new SeededShuffle(42).Shuffle(b);
        new SeededShuffle(43).Shuffle(c);

        Assert.Equal(Enumerable.Range(0, 50), a.Order());
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }
}
