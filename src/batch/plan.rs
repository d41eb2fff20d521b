//! The plan of a batch: every persona × theme × format, and the queue that hands a
//! whole persona to one worker.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::spec::format::Format;

/// One planned document.
pub(super) struct Planned {
    pub(super) persona: usize,
    pub(super) theme: usize,
    pub(super) format: Format,
}

/// Hands out planned documents a persona at a time: each worker claims the next
/// persona and runs its documents in turn. When no persona is left unclaimed, an idle
/// worker helps with the documents left of personas still in progress.
pub(super) struct PersonaQueue {
    /// The range of plan indices of each persona's documents.
    pub(super) personas: Vec<std::ops::Range<usize>>,
    /// The next document to hand out, per persona.
    pub(super) next_document: Vec<AtomicUsize>,
    /// The next persona nobody has claimed.
    pub(super) next_persona: AtomicUsize,
}

impl PersonaQueue {
    pub(super) fn new(plan: &[Planned]) -> Self {
        let mut personas: Vec<std::ops::Range<usize>> = Vec::new();
        for (i, job) in plan.iter().enumerate() {
            match personas.last_mut() {
                Some(range) if plan[range.start].persona == job.persona => range.end = i + 1,
                _ => personas.push(i..i + 1),
            }
        }
        let next_document = personas.iter().map(|r| AtomicUsize::new(r.start)).collect();
        PersonaQueue {
            personas,
            next_document,
            next_persona: AtomicUsize::new(0),
        }
    }

    /// The next document for a worker, and whether it is its persona's last.
    /// `claimed` is the worker's own persona, kept between calls.
    pub(super) fn next(&self, claimed: &mut Option<usize>) -> Option<(usize, bool)> {
        if let Some(found) = claimed.and_then(|p| self.take_from(p)) {
            return Some(found);
        }
        loop {
            let persona = self.next_persona.fetch_add(1, Ordering::SeqCst);
            if persona >= self.personas.len() {
                break;
            }
            *claimed = Some(persona);
            if let Some(found) = self.take_from(persona) {
                return Some(found);
            }
        }
        *claimed = None;
        (0..self.personas.len()).find_map(|p| self.take_from(p))
    }

    /// Takes the next document of `persona`, if any is left.
    pub(super) fn take_from(&self, persona: usize) -> Option<(usize, bool)> {
        let range = &self.personas[persona];
        let i = self.next_document[persona].fetch_add(1, Ordering::SeqCst);
        (i < range.end).then_some((i, i + 1 == range.end))
    }
}

/// Every persona × theme × format, persona first so a persona's documents run together.
pub(super) fn plan(personas: usize, themes: usize, formats: &[Format]) -> Vec<Planned> {
    let mut plan = Vec::new();
    for persona in 0..personas {
        for theme in 0..themes {
            let per_persona = formats.iter().filter(|f| !f.is_overview());
            plan.extend(per_persona.map(|format| Planned {
                persona,
                theme,
                format: format.clone(),
            }));
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(personas: &[usize]) -> Vec<Planned> {
        let table = crate::spec::format::Formats::new(&Default::default()).unwrap();
        let poster = table
            .get(crate::spec::format::Kind::PosterA2)
            .unwrap()
            .clone();
        personas
            .iter()
            .enumerate()
            .flat_map(|(persona, &documents)| {
                let poster = poster.clone();
                (0..documents).map(move |_| Planned {
                    persona,
                    theme: 0,
                    format: poster.clone(),
                })
            })
            .collect()
    }

    #[test]
    fn the_plan_is_persona_first_and_leaves_the_overviews_out() {
        let table = crate::spec::format::Formats::new(&Default::default()).unwrap();
        let names = ["poster-a2", "overview-a3", "mousepad"];
        let formats: Vec<Format> = names.iter().map(|n| table.parse(n).unwrap()).collect();
        let plan = plan(2, 2, &formats);
        let seen: Vec<(usize, usize, &str)> = plan
            .iter()
            .map(|p| (p.persona, p.theme, p.format.name()))
            .collect();
        assert_eq!(
            seen,
            [
                (0, 0, "poster-a2"),
                (0, 0, "mousepad"),
                (0, 1, "poster-a2"),
                (0, 1, "mousepad"),
                (1, 0, "poster-a2"),
                (1, 0, "mousepad"),
                (1, 1, "poster-a2"),
                (1, 1, "mousepad"),
            ]
        );
        assert!(
            super::plan(0, 2, &formats).is_empty(),
            "no persona, nothing planned"
        );
    }

    #[test]
    fn each_worker_keeps_its_persona_until_none_is_left_unclaimed() {
        let plan = plan_of(&[3, 3, 2]);
        let queue = PersonaQueue::new(&plan);
        let (mut a, mut b) = (None, None);
        let mut taken = vec![];
        // Two workers taking turns: each stays on the persona it claimed.
        for _ in 0..3 {
            taken.push(queue.next(&mut a).unwrap());
            taken.push(queue.next(&mut b).unwrap());
        }
        assert_eq!(
            taken,
            [
                (0, false),
                (3, false),
                (1, false),
                (4, false),
                (2, true),
                (5, true)
            ]
        );
        // Worker a claims the last persona; b, with nothing unclaimed, helps with it.
        assert_eq!(queue.next(&mut a), Some((6, false)));
        assert_eq!(queue.next(&mut b), Some((7, true)));
        assert_eq!(queue.next(&mut a), None);
        assert_eq!(queue.next(&mut b), None);
    }

    #[test]
    fn every_document_is_handed_out_once_across_threads() {
        let plan = plan_of(&[4, 1, 7, 4, 4, 2, 9]);
        let queue = PersonaQueue::new(&plan);
        let seen: Vec<AtomicUsize> = plan.iter().map(|_| AtomicUsize::new(0)).collect();
        std::thread::scope(|scope| {
            for _ in 0..3 {
                scope.spawn(|| {
                    let mut claimed = None;
                    while let Some((i, _)) = queue.next(&mut claimed) {
                        seen[i].fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
        });
        assert!(seen.iter().all(|n| n.load(Ordering::SeqCst) == 1));
    }
}
