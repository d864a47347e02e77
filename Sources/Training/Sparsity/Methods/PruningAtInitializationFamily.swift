extension MethodRegistry {
    /// SNIP, SynFlow, lottery tickets, Taylor and movement scores.
    static var pruningAtInitialization: [MethodDescriptor] {
        [LotteryMethod.descriptor, SNIPMethod.descriptor, SynFlowMethod.descriptor,
         TaylorMethod.descriptor, MovementMethod.descriptor]
    }
}
