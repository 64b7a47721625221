import MailferryCore

/// Where a planner puts each user's plan as soon as it is made, in any order, with the user's
/// place in the plan: `PlanOutput` renders and spools it; tests collect it.
protocol UserPlanSink: AnyObject {
    func store(_ user: UserPlan, at index: Int) throws(CLIError)
}
