namespace Warden.Core.Pipelines.Expressions;

/// <summary><c>-x</c>, <c>not x</c> or <c>!x</c>; <see cref="Symbol"/> is the operator as written, for messages.</summary>
internal sealed record UnaryNode(SourcePosition Position, UnaryOperator Operator, string Symbol, ExpressionNode Operand)
    : ExpressionNode(Position)
{
    public override int Height { get; } = Operand.Height + 1;
}
