// Sample store events (spec §3) for a rule's dry run, chosen by the rule's trigger.
const customer = {
  id: 'cus_sample', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace', phone: '+14155550100',
};
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

const subscription = (productId, extra = {}) => ({
  id: 'sub_sample', product_id: productId, product_name: 'Sample membership', kind: 'recurring', charge_number: 2, ...extra,
});

export const SAMPLES = {
  'order.completed': (p, role = 'primary') => ({
    type: 'order.completed', occurred_at: now(), test_mode: true, customer,
    order: { id: 'ord_sample', total_cents: 4900, currency: 'USD' },
    items: [{ product_id: p, product_name: 'Sample product', role, price_cents: 4900, quantity: 1 }],
  }),
  'refund.created': (p, refunded = 4900) => ({
    type: 'refund.created', occurred_at: now(), test_mode: true, customer,
    refund: { id: 'ref_sample' }, order: { id: 'ord_sample' },
    items: [{ product_id: p, product_name: 'Sample product', price_cents: 4900, refunded_cents: refunded }],
  }),
  'prospect.created': (p) => ({
    type: 'prospect.created', occurred_at: now(), test_mode: true, customer,
    prospect: { id: 'pro_sample' }, items: [{ product_id: p, product_name: 'Sample product' }],
  }),
  'subscription.charged': (p, extra) => ({
    type: 'subscription.charged', occurred_at: now(), test_mode: true, customer,
    subscription: subscription(p, extra), charge: { id: 'ch_sample' },
  }),
  'subscription.charge_failed': (p) => ({
    type: 'subscription.charge_failed', occurred_at: now(), test_mode: true, customer,
    subscription: subscription(p), charge: { id: 'ch_sample_failed' },
  }),
  'subscription.canceled': (p) => ({ type: 'subscription.canceled', occurred_at: now(), test_mode: true, customer, subscription: subscription(p) }),
  'subscription.restarted': (p) => ({ type: 'subscription.restarted', occurred_at: now(), test_mode: true, customer, subscription: subscription(p) }),
  'course.enrolled': (p) => ({ type: 'course.enrolled', occurred_at: now(), test_mode: true, customer, course: { id: p, name: 'Sample course' } }),
  'course.completed': (p) => ({ type: 'course.completed', occurred_at: now(), test_mode: true, customer, course: { id: p, name: 'Sample course' } }),
  'lesson.completed': (p) => ({
    type: 'lesson.completed', occurred_at: now(), test_mode: true, customer,
    course: { id: p, name: 'Sample course' }, lesson: { id: 'les_sample', name: 'Lesson 1' },
  }),
};

/** The store event that best shows a trigger, for product {@code productId}. */
export function sampleFor(trigger, productId) {
  const p = productId || 'prod_sample';
  switch (trigger) {
    case 'upsell.purchased': return SAMPLES['order.completed'](p, 'upsell');
    case 'product.refunded': return SAMPLES['refund.created'](p, 4900);
    case 'product.partially_refunded': return SAMPLES['refund.created'](p, 1000);
    case 'subscription.completed': return SAMPLES['subscription.charged'](p, { kind: 'limited', charge_number: 3, total_charges: 3 });
    case 'subscription.recovered':
    case 'subscription.delinquent':
      return SAMPLES['subscription.charge_failed'](p);
    case 'product.purchased': return SAMPLES['order.completed'](p);
    default: return (SAMPLES[trigger] || SAMPLES['order.completed'])(p);
  }
}
