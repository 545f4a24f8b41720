/**
 * The closed vocabularies of the sales domain that policies are keyed by
 * (DOMAIN.md). Each is a tuple, so code can iterate it and derive its type.
 */

/**
 * A sales rep's role (DOMAIN.md "SalesRep"); the posts of the seeds: 销售代表,
 * 销售主管, 销售经理, 销售总监 [002 售售部的规章制度 第九条, 002 销售部管理制度(三篇)
 * 第四条, 003].
 */
export const repRoles = ['representative', 'supervisor', 'manager', 'director'] as const;
export type RepRole = (typeof repRoles)[number];

/** Customer class, A = most important (DOMAIN.md "Customer"; 分类管理 [000 第五章 2]). */
export const customerClasses = ['A', 'B', 'C', 'D'] as const;
export type CustomerClass = (typeof customerClasses)[number];

/**
 * Where the business of a contract comes from, for commission (DOMAIN.md "Read
 * models"; 提成比例根据业务来源不同 [002 销售支持人员管理暂行办法]): the customer's first contract, a lead
 * that came from a partner, else an existing customer.
 */
export const businessSources = ['new_customer', 'existing_customer', 'partner'] as const;
export type BusinessSource = (typeof businessSources)[number];

/**
 * The components of the weighted performance score (DOMAIN.md "Read models",
 * Score; 绩效考核 [003 销售总监的工作计划 第六, 002 销售支持人员管理暂行办法]).
 */
export const kpiComponents = ['salesAttainment', 'newCustomers', 'visits', 'complaintSla', 'reportCompletion'] as const;
export type KpiComponent = (typeof kpiComponents)[number];
